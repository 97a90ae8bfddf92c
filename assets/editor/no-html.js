// Stands in for @codemirror/lang-html, which @codemirror/lang-markdown imports to colour HTML
// inside notes: Inkwell strips HTML from notes anyway (nh3), and the real package would add
// ~150 KB of parsers (HTML, CSS, JavaScript) to every editor start. HTML shows as plain text.
import { LanguageSupport, StreamLanguage } from "@codemirror/language";

const plain = StreamLanguage.define({ name: "html", token: function (stream) { stream.skipToEnd(); return null; } });

export function html() { return new LanguageSupport(plain); }
export function htmlCompletionSource() { return null; }
