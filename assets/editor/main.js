// Inkwell's Markdown editor: CodeMirror 6, bundled into webapp/static/vendor/editor.js by
// `npm run build` in this folder (see README.md here). The page keeps its <textarea>: the form
// still posts without any script, and app.js reads the text from it as before. This file only
// swaps the textarea for a real editor and keeps the two in step.
import { EditorView, keymap, drawSelection, dropCursor, placeholder, highlightSpecialChars } from "@codemirror/view";
import { EditorState, EditorSelection } from "@codemirror/state";
import { history, defaultKeymap, historyKeymap } from "@codemirror/commands";
import { markdown, markdownLanguage, markdownKeymap } from "@codemirror/lang-markdown";
import { syntaxHighlighting, indentOnInput, bracketMatching } from "@codemirror/language";
import { search, searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { tagHighlighter, tags } from "@lezer/highlight";

// Class names, not inline styles: the page's stylesheet (app.css) colours them for both themes,
// and the Content-Security-Policy can keep forbidding inline style elements for highlighting.
const markdownClasses = tagHighlighter([
  { tag: tags.heading1, class: "md-h md-h1" },
  { tag: tags.heading2, class: "md-h md-h2" },
  { tag: [tags.heading3, tags.heading4, tags.heading5, tags.heading6], class: "md-h" },
  { tag: tags.strong, class: "md-strong" },
  { tag: tags.emphasis, class: "md-em" },
  { tag: tags.strikethrough, class: "md-strike" },
  { tag: tags.link, class: "md-link" },
  { tag: tags.url, class: "md-url" },
  { tag: tags.monospace, class: "md-code" },
  { tag: tags.quote, class: "md-quote" },
  { tag: [tags.processingInstruction, tags.contentSeparator, tags.labelName, tags.meta], class: "md-mark" },
]);

function wrapWith(marker) {
  return function (view) {
    view.dispatch(view.state.changeByRange(function (range) {
      const inner = view.state.sliceDoc(range.from, range.to);
      return {
        changes: { from: range.from, to: range.to, insert: marker + inner + marker },
        range: EditorSelection.range(range.from + marker.length, range.to + marker.length),
      };
    }));
    return true;
  };
}

function makeLink(view) {
  view.dispatch(view.state.changeByRange(function (range) {
    const text = view.state.sliceDoc(range.from, range.to) || "text";
    const url = range.from + text.length + 3;  // type the address over "url"
    return {
      changes: { from: range.from, to: range.to, insert: "[" + text + "](url)" },
      range: EditorSelection.range(url, url + 3),
    };
  }));
  return true;
}

// Make an editor in place of `textarea`. `onFiles(files)` receives images pasted or files
// dropped on the text (the page uploads them and calls insertOnOwnLine with their links).
function create(textarea, options) {
  const onFiles = (options && options.onFiles) || null;
  const label = textarea.id && document.querySelector('label[for="' + textarea.id + '"]');
  const contentAttributes = { spellcheck: textarea.getAttribute("spellcheck") || "true", autocapitalize: "sentences" };
  if (label) {
    label.id = label.id || textarea.id + "-label";
    contentAttributes["aria-labelledby"] = label.id;
  }
  // Hidden first: the editor's first measurement then never lays out the textarea's copy of a
  // long note (about 25 ms for 5,000 words). It stays in the form: its value is what gets posted.
  textarea.hidden = true;
  const view = new EditorView({
    parent: textarea.parentNode,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        highlightSpecialChars(),
        history(),
        drawSelection(),
        dropCursor(),
        indentOnInput(),
        bracketMatching(),
        highlightSelectionMatches(),
        search({ top: true }),
        EditorView.lineWrapping,
        placeholder(textarea.getAttribute("placeholder") || ""),
        markdown({ base: markdownLanguage, addKeymap: false, completeHTMLTags: false }),
        syntaxHighlighting(markdownClasses),
        keymap.of([
          { key: "Mod-b", run: wrapWith("**"), preventDefault: true, stopPropagation: true },
          { key: "Mod-i", run: wrapWith("*"), preventDefault: true, stopPropagation: true },
          { key: "Mod-k", run: makeLink, preventDefault: true, stopPropagation: true },
          ...markdownKeymap,
          ...searchKeymap,
          ...historyKeymap,
          ...defaultKeymap,
        ]),
        EditorView.contentAttributes.of(contentAttributes),
        EditorView.cspNonce.of((options && options.styleNonce) || ""),
        EditorView.updateListener.of(function (update) {
          if (!update.docChanged) { return; }
          textarea.value = update.state.doc.toString();
          textarea.dispatchEvent(new Event("input", { bubbles: true }));  // autosave and preview
        }),
        EditorView.domEventHandlers({
          paste: function (event) {
            const files = event.clipboardData && event.clipboardData.files;
            if (!onFiles || !files || !files.length) { return false; }
            event.preventDefault();
            onFiles(files);
            return true;
          },
          drop: function (event) {
            const files = event.dataTransfer && event.dataTransfer.files;
            if (!onFiles || !files || !files.length) { return false; }
            event.preventDefault();
            onFiles(files);  // never CodeMirror's default: the file's bytes pasted as text
            return true;
          },
        }),
      ],
    }),
  });
  textarea.parentNode.insertBefore(view.dom, textarea);
  if (label) {
    label.removeAttribute("for");
    label.addEventListener("click", function () { view.focus(); });
  }
  if (textarea.autofocus) { view.focus(); }

  return {
    dom: view.dom,
    focus: function () { view.focus(); },
    // Replace the whole text (taking the other version of a conflict); the textarea follows.
    setValue: function (text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    // Put `text` where the selection is, on a line of its own: never glued to a word.
    insertOnOwnLine: function (text) {
      const range = view.state.selection.main;
      const before = view.state.sliceDoc(Math.max(0, range.from - 1), range.from);
      const after = view.state.sliceDoc(range.to, range.to + 1);
      const insert = (before === "" || before === "\n" ? "" : "\n") + text + (after === "" || after === "\n" ? "" : "\n");
      view.dispatch({ changes: { from: range.from, to: range.to, insert: insert },
                      selection: { anchor: range.from + insert.length }, scrollIntoView: true });
      view.focus();
    },
  };
}

window.InkwellEditor = { create: create };
