// Inkwell's only script: keyboard shortcuts, autosave in the editor, small conveniences.
// Every page works without it (forms post normally); this makes them feel like an app.
"use strict";

(function () {
  const AUTOSAVE_DELAY_MS = 1500;

  function isTyping(event) {
    const el = event.target;
    return el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  }

  // --- Shortcuts ------------------------------------------------------------------------------
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented) { return; }  // the editor used the key (Ctrl+K makes a link there)
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (mod && key === "n") {
      const link = document.querySelector('[data-shortcut="new"]');
      if (link) { event.preventDefault(); window.location.href = link.href; }
    } else if ((mod && key === "k") || (key === "/" && !isTyping(event))) {
      const box = document.querySelector('[data-shortcut="search"]');
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    } else if (mod && key === "e") {
      const link = document.querySelector('[data-shortcut="edit"]');
      if (link) { event.preventDefault(); window.location.href = link.href; }
    } else if (mod && key === "s") {
      event.preventDefault();  // never the browser's "save page as"
      if (editor) { editor.saveNow(); }
    }
  });

  // The desktop app's menu (View > Search notes) sends its actions as DOM events.
  window.addEventListener("desktop:action", function (event) {
    if (event.detail && event.detail.action === "search") {
      const box = document.querySelector('[data-shortcut="search"]');
      if (box) { box.focus(); box.select(); }
    }
  });

  // --- The notebook sidebar (wide windows): filled in once the page shows ---------------------
  const sidebar = document.querySelector("nav.sidebar[data-sidebar]");
  if (sidebar && window.matchMedia("(min-width: 1000px)").matches) {
    fetch(sidebar.dataset.sidebar, { credentials: "same-origin" }).then(function (response) {
      return response.ok && !response.redirected ? response.text() : Promise.reject(response.status);
    }).then(function (html) {
      sidebar.innerHTML = html;  // rendered and escaped by the server's own template
      const here = new URL(window.location.href);
      sidebar.querySelectorAll("a").forEach(function (link) {
        const target = new URL(link.href);
        const sameTag = target.searchParams.get("tag") === here.searchParams.get("tag");
        const samePinned = target.searchParams.get("pinned") === here.searchParams.get("pinned");
        if (target.pathname === here.pathname && sameTag && samePinned) { link.setAttribute("aria-current", "page"); }
      });
      sidebar.classList.add("loaded");
    }).catch(function () { /* the top bar keeps its links */ });
  }

  // --- A continuous list: the next page joins the list as it scrolls into view --------------
  // (The "Older →" link stays the way there without the script, and for keyboard users.)
  function continueListing(nav) {
    const next = nav.querySelector("a[rel=next]");
    const list = nav.previousElementSibling;
    if (!next || !list || !list.matches("ul.note-list") || !("IntersectionObserver" in window)) { return; }
    const watcher = new IntersectionObserver(async function (entries) {
      if (!entries.some(function (entry) { return entry.isIntersecting; })) { return; }
      watcher.disconnect();
      let page;
      try {
        page = new DOMParser().parseFromString(await (await fetch(next.href)).text(), "text/html");
      } catch (err) { return; }  // offline app not answering: the link still works
      const more = page.querySelector("main ul.note-list");
      const moreNav = page.querySelector("main nav.pagination");
      if (more) { Array.from(more.children).forEach(function (item) { list.appendChild(item); }); }
      localizeTimes(list);
      if (moreNav && moreNav.querySelector("a[rel=next]")) { nav.replaceWith(moreNav); continueListing(moreNav); }
      else { nav.remove(); }  // the whole list is here
    }, { rootMargin: "400px" });
    watcher.observe(nav);
  }
  document.querySelectorAll("main nav.pagination").forEach(continueListing);

  // --- Search as you type ----------------------------------------------------------------------
  const searchBox = document.querySelector('[data-shortcut="search"]');
  if (searchBox) {
    let searchTimer = null;
    const onSearchPage = document.body.dataset.page === "search";
    if (onSearchPage && searchBox.value) {  // arrived by typing: keep typing where it was
      searchBox.focus();
      searchBox.setSelectionRange(searchBox.value.length, searchBox.value.length);
    }
    searchBox.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(async function () {
        const url = searchBox.form.action + "?q=" + encodeURIComponent(searchBox.value);
        if (!onSearchPage) { window.location.href = url; return; }
        let page;
        try { page = new DOMParser().parseFromString(await (await fetch(url)).text(), "text/html"); }
        catch (err) { return; }
        document.querySelector("main").replaceWith(page.querySelector("main"));
        document.title = page.title;
        window.history.replaceState(null, "", url);
        localizeTimes(document.querySelector("main"));
        document.querySelectorAll("main nav.pagination").forEach(continueListing);
      }, onSearchPage ? 150 : 300);
    });
  }

  // --- Reading a note: a double click on its text edits it -----------------------------------
  function editOnDoubleClick(root) {
    const reading = root.querySelector("article .rendered");
    if (!reading || document.querySelector("form[data-editor]")) { return; }
    reading.addEventListener("dblclick", function () {
      const link = root.querySelector('[data-shortcut="edit"]');
      if (link && !window.getSelection().toString().trim()) { window.location.href = link.href; }
    });
  }
  editOnDoubleClick(document);

  // --- Small conveniences ---------------------------------------------------------------------
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });

  // --- Attachments: drag and drop ------------------------------------------------------------
  function csrfToken(root) {
    const input = (root || document).querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  async function uploadFiles(url, files, token, insert) {
    const body = new FormData();
    body.append("csrf_token", token);
    if (insert) { body.append("insert", "1"); }  // the server adds them to the note's text
    Array.from(files).forEach(function (file) { body.append("files", file); });
    const response = await fetch(url, { method: "POST", body: body, headers: { "Accept": "application/json" } });
    let data = {};
    try { data = await response.json(); } catch (err) { data = { problems: ["Upload failed (" + response.status + ")."] }; }
    return data;
  }

  function acceptDrops(target, highlight, onFiles) {
    ["dragenter", "dragover"].forEach(function (type) {
      target.addEventListener(type, function (event) {
        if (event.dataTransfer && Array.from(event.dataTransfer.types).includes("Files")) {
          event.preventDefault();
          highlight.classList.add("dragging");
        }
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      target.addEventListener(type, function () { highlight.classList.remove("dragging"); });
    });
    target.addEventListener("drop", function (event) {
      if (event.dataTransfer && event.dataTransfer.files.length) {
        event.preventDefault();
        onFiles(event.dataTransfer.files);
      }
    });
  }

  function attachOnDrop(root) {
    const dropzone = root.querySelector("[data-dropzone]");
    if (!dropzone) { return; }
    const form = dropzone.querySelector("form[data-upload]");
    acceptDrops(dropzone, dropzone, async function (files) {
      const data = await uploadFiles(form.action, files, csrfToken(form), true);
      if (data.problems && data.problems.length) { window.alert(data.problems.join("\n")); }
      window.location.reload();
    });
  }
  attachOnDrop(document);

  // --- The reading pane (wide windows): the list stays, the chosen note shows beside it -------
  // The note's own page, fetched and shown in the pane; the address says which (?note=ID), so
  // reloading, Back and Forward keep it. Narrow windows and no script: the links open the page.
  const reader = document.querySelector("[data-reader]");
  if (reader && window.matchMedia("(min-width: 1200px)").matches) {
    reader.hidden = false;
    document.body.classList.add("with-reader");
    const listTitle = document.title;
    const emptyPane = reader.innerHTML;
    let showing = null;

    const noteIdOf = function (link) {
      const match = new URL(link.href).pathname.match(/\/notes\/(\d+)$/);
      return match ? match[1] : null;
    };
    const addressFor = function (noteId) {
      const url = new URL(window.location.href);
      if (noteId) { url.searchParams.set("note", noteId); } else { url.searchParams.delete("note"); }
      return url.pathname + url.search;
    };
    const markCurrent = function (noteId) {
      document.querySelectorAll(".note-list a.note-title").forEach(function (link) {
        if (noteIdOf(link) === noteId) { link.setAttribute("aria-current", "true"); }
        else { link.removeAttribute("aria-current"); }
      });
    };
    const clear = function () {
      showing = null;
      reader.innerHTML = emptyPane;
      document.title = listTitle;
      markCurrent(null);
    };

    const show = async function (noteId, remember) {
      showing = noteId;
      const url = reader.dataset.noteUrl.replace(/0$/, noteId);
      let response, page;
      try {
        response = await fetch(url, { credentials: "same-origin" });
        page = new DOMParser().parseFromString(await response.text(), "text/html");
      } catch (err) { window.location.href = url; return; }  // the page itself says what is wrong
      if (showing !== noteId) { return; }  // another note was chosen meanwhile
      const article = response.ok && !response.redirected && page.querySelector("main article.note");
      if (!article) {
        if (response.status === 404) {
          reader.innerHTML = "";
          const gone = document.createElement("p");
          gone.className = "hint";
          gone.textContent = "This note is no longer here (deleted, or in the trash).";
          reader.appendChild(gone);
          markCurrent(null);
        } else { window.location.href = url; }  // locked, or an error page: show it whole
        return;
      }
      const title = article.querySelector(".page-head h1");
      if (title) {  // the list keeps the page's only h1
        const heading = document.createElement("h2");
        heading.className = "reader-title";
        heading.textContent = title.textContent;
        title.replaceWith(heading);
      }
      article.querySelectorAll("form").forEach(function (form) {  // Pin and the like come back here
        if (form.querySelector('input[name="next"]')) { return; }
        const next = document.createElement("input");
        next.type = "hidden";
        next.name = "next";
        next.value = addressFor(noteId);
        form.appendChild(next);
      });
      reader.replaceChildren(document.adoptNode(article));
      reader.scrollTop = 0;
      document.title = page.title;
      markCurrent(noteId);
      localizeTimes(reader);
      editOnDoubleClick(reader);
      attachOnDrop(reader);
      if (remember) { window.history.pushState(null, "", addressFor(noteId)); }
    };

    document.addEventListener("click", function (event) {
      const link = event.target.closest && event.target.closest(".note-list a.note-title");
      if (!link || event.defaultPrevented || event.button !== 0
          || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
      const noteId = noteIdOf(link);
      if (!noteId) { return; }
      event.preventDefault();
      if (noteId !== showing) { show(noteId, true); }
    });
    // Up and Down walk the list, showing each note as they go.
    document.addEventListener("keydown", function (event) {
      const link = event.target.closest && event.target.closest(".note-list a.note-title");
      if (!link || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) { return; }
      const links = Array.from(document.querySelectorAll(".note-list a.note-title"));
      const next = links[links.indexOf(link) + (event.key === "ArrowDown" ? 1 : -1)];
      if (!next) { return; }
      event.preventDefault();
      next.focus();
      show(noteIdOf(next), true);
    });
    window.addEventListener("popstate", function () {
      const noteId = new URL(window.location.href).searchParams.get("note");
      if (noteId) { show(noteId, false); } else { clear(); }
    });
    const first = new URL(window.location.href).searchParams.get("note");
    if (first && /^\d+$/.test(first)) { show(first, false); }
  }

  // --- App lock: after the idle time, reload; the server then shows the lock screen ----------
  const idleMinutes = parseInt(document.body.dataset.lockIdleMinutes || "0", 10);
  if (idleMinutes > 0) {
    let idleTimer = null;
    const arm = function () {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(function () {
        // Save what was typed first (however long that takes), then let the server lock the app.
        (editor ? editor.flush() : Promise.resolve()).then(function () { window.location.reload(); });
      }, idleMinutes * 60 * 1000 + 1000);
    };
    ["keydown", "pointerdown", "pointermove", "wheel"].forEach(function (type) {
      document.addEventListener(type, arm, { passive: true });
    });
    arm();
  }

  // --- What the user just did is in view: an error or a new token far down a long page ---------
  const target = document.querySelector("[data-scroll-into-view]");
  if (target) {
    target.scrollIntoView({ block: "center" });
    const firstError = target.querySelector(".has-error input, .has-error select");
    if (firstError) { firstError.focus({ preventScroll: true }); }
  }

  // --- Copy buttons (a new API token, a note's app link): wherever they are, the reading pane too
  document.addEventListener("click", async function (event) {
    const button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) { return; }
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
    } catch (err) {  // no async clipboard here: copy it the old way, from a hidden text field
      const scratch = document.createElement("textarea");
      scratch.value = button.dataset.copy;
      scratch.setAttribute("readonly", "");
      scratch.style.position = "fixed";
      scratch.style.opacity = "0";
      document.body.appendChild(scratch);
      scratch.select();
      document.execCommand("copy");
      scratch.remove();
    }
    button.textContent = "Copied";
  });

  // --- Dates in the user's own time zone and locale (the server writes UTC) --------------------
  // One formatter per style, made on first use: toLocaleString() builds a new one for every call,
  // which is most of the time a long list of notes takes to show.
  const timeFormats = {};
  function timeFormat(style) {
    if (!timeFormats[style]) {
      const options = { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" };
      if (style === "seconds") { options.second = "2-digit"; }
      timeFormats[style] = new Intl.DateTimeFormat([], options);
    }
    return timeFormats[style];
  }
  function localizeTimes(root) {
    root.querySelectorAll("time[data-local]").forEach(function (el) {
      const moment = new Date(el.dateTime);
      if (isNaN(moment)) { return; }
      el.textContent = timeFormat(el.dataset.local).format(moment);
    });
  }
  localizeTimes(document);

  // --- Import progress ------------------------------------------------------------------------
  const jobPanel = document.querySelector("[data-job-status]");
  if (jobPanel && jobPanel.dataset.state === "running") {
    const headings = { running: "Importing…", finished: "Import finished", failed: "Import failed" };
    const poll = async function () {
      let job;
      try { job = await (await fetch(jobPanel.dataset.jobStatus)).json(); } catch (err) { setTimeout(poll, 1000); return; }
      jobPanel.querySelector("[data-job-heading]").textContent = headings[job.state] || job.state;
      const bar = jobPanel.querySelector("[data-job-progress]");
      bar.max = job.total || 1;
      bar.value = job.done;
      jobPanel.querySelector("[data-job-count]").textContent = job.done + " of " + (job.total || "…") + " notes";
      jobPanel.querySelector("[data-job-message]").textContent = job.message;
      jobPanel.dataset.state = job.state;
      if (job.state === "failed") {  // no "0 of … notes" and an empty bar: only what went wrong
        bar.hidden = true;
        jobPanel.querySelector("[data-job-count]").hidden = true;
        jobPanel.querySelector("[data-job-message]").setAttribute("role", "alert");
      }
      if (job.state === "running") { setTimeout(poll, 300); }
    };
    poll();
  }

  // --- Editor: autosave, a visible save state, no lost edits ----------------------------------
  const editor = (function () {
    const form = document.querySelector("form[data-editor]");
    if (!form) { return null; }
    const stateEl = form.querySelector("[data-save-state]");
    const versionEl = form.querySelector('input[name="version"]');
    let dirty = false, saving = false, again = false, stopped = false, timer = null;
    let closeAfterSave = false;
    // One revision per sitting: autosaves amend the revision this sitting's first save made,
    // until an explicit save (Ctrl+S, Save) or a pause of REVISION_PAUSE_MS starts the next.
    const REVISION_PAUSE_MS = 5 * 60 * 1000;
    let sittingRevision = null, lastSavedAt = 0, explicit = false;
    let waiters = [];  // flush() callers waiting for the edits to be saved

    function releaseWaiters() {
      const waiting = waiters;
      waiters = [];
      waiting.forEach(function (resolve) { resolve(); });
    }

    // Save now and resolve once nothing typed is left unsaved (or saving is impossible: a
    // conflict, an app that doesn't answer). The desktop shell calls it before the window
    // closes; links inside the app wait for it too. Never a "Leave page?" dialog.
    function flush() {
      if (stopped || (!dirty && !saving)) { return Promise.resolve(); }
      return new Promise(function (resolve) {
        waiters.push(resolve);
        if (saving) { again = true; } else { save(); }
      });
    }

    function show(text, kind) {
      stateEl.textContent = text;
      stateEl.dataset.kind = kind || "";
    }

    function clearFieldErrors() {
      form.querySelectorAll(".js-error").forEach(function (el) { el.remove(); });
    }

    function showFieldErrors(fields) {
      Object.entries(fields || {}).forEach(function ([name, message]) {
        const input = form.querySelector('[name="' + name + '"]');
        if (!input) { return; }
        const p = document.createElement("p");
        p.className = "field-error js-error";
        p.setAttribute("role", "alert");
        p.textContent = message;
        input.insertAdjacentElement("afterend", p);
      });
    }

    function markDirty() {
      if (stopped) { return; }
      dirty = true;
      show("Unsaved changes", "dirty");
      clearTimeout(timer);
      timer = setTimeout(save, AUTOSAVE_DELAY_MS);
    }

    async function save() {
      clearTimeout(timer);
      if (stopped) { return; }
      if (saving) { again = true; return; }
      if (!dirty && !closeAfterSave) { return; }
      saving = true;
      dirty = false;
      show("Saving…", "saving");
      const body = new FormData(form);
      if (sittingRevision !== null && Date.now() - lastSavedAt < REVISION_PAUSE_MS) {
        body.set("amend_revision", sittingRevision);
      }
      const sealing = explicit || closeAfterSave;
      explicit = false;
      let response;
      try {
        response = await fetch(form.action, {
          method: "POST",
          body: body,
          headers: { "Accept": "application/json" },
          credentials: "same-origin",
        });
      } catch (err) {
        dirty = true;
        saving = false;
        show("Not saved: the app is not answering. Retrying…", "error");
        releaseWaiters();
        timer = setTimeout(save, AUTOSAVE_DELAY_MS * 2);
        return;
      }
      saving = false;
      let data = {};
      try { data = await response.json(); } catch (err) { /* an HTML error page */ }
      clearFieldErrors();
      if (response.ok) {
        versionEl.value = data.version;
        sittingRevision = sealing ? null : data.revision_id;  // an explicit save closes the sitting's revision
        lastSavedAt = Date.now();
        if (form.action !== new URL(data.edit_url, window.location.href).href) {
          form.action = data.edit_url;  // a new note now exists: later saves edit it
          window.history.replaceState(null, "", data.edit_url);
          const heading = document.querySelector(".page-head h1");
          if (heading) { heading.textContent = "Edit note"; }
        }
        if (data.display_title) {  // the title bar names the note (the desktop window follows it)
          document.title = "Edit " + data.display_title + " · " + document.title.split(" · ").pop();
        }
        // Seconds too: a second save in the same minute must visibly be a new one.
        const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
        show(dirty ? "Unsaved changes" : "Saved at " + time, dirty ? "dirty" : "saved");
        if (closeAfterSave && !dirty) { releaseWaiters(); window.location.href = data.view_url; return; }
      } else {
        dirty = true;
        closeAfterSave = false;
        const error = data.error || { message: "Not saved (error " + response.status + ")." };
        if (response.status === 409) { stopped = true; showConflict(data.current); }
        show("Not saved: " + error.message, "error");
        showFieldErrors(error.fields);
      }
      if (waiters.length) {  // someone is waiting to close or leave: no autosave delay
        again = false;
        if (dirty && !stopped && response.ok) { save(); } else { releaseWaiters(); }
        return;
      }
      if (again || (dirty && !stopped && response.ok)) { again = false; timer = setTimeout(save, AUTOSAVE_DELAY_MS); }
    }

    // --- An edit conflict: show both versions; keep mine, take theirs, or save mine as a new note.
    const conflict = form.querySelector("[data-conflict]");
    let theirs = null;

    function showConflict(current) {
      if (!conflict || !current) { return; }
      theirs = current;
      conflict.querySelector("[data-conflict-theirs]").textContent =
        (current.title ? current.title + "\n\n" : "") + current.body;
      conflict.hidden = false;
      releaseWaiters();
    }

    function resolved(text) {
      conflict.hidden = true;
      stopped = false;
      show(text, "");
    }

    if (conflict) {
      conflict.querySelector("[data-conflict-keep]").addEventListener("click", function () {
        versionEl.value = theirs.version;  // based on theirs now: saving mine replaces it (kept in history)
        resolved("");
        dirty = true;
        explicit = true;
        save();
      });
      conflict.querySelector("[data-conflict-take]").addEventListener("click", function () {
        form.querySelector('[name="title"]').value = theirs.title;
        form.querySelector('[name="tags"]').value = theirs.tags;
        form.querySelector('[name="body"]').value = theirs.body;
        if (markdownEditor) { markdownEditor.setValue(theirs.body); }
        versionEl.value = theirs.version;
        dirty = false;
        resolved("Showing the other version");
      });
      conflict.querySelector("[data-conflict-copy]").addEventListener("click", async function () {
        const body = new FormData(form);
        body.delete("version");
        const response = await fetch(form.dataset.newUrl, { method: "POST", body: body, credentials: "same-origin",
                                                            headers: { "Accept": "application/json" } });
        if (!response.ok) { show("Not saved as a new note (error " + response.status + ").", "error"); return; }
        dirty = false;
        window.location.href = (await response.json()).edit_url;
      });
    }

    form.addEventListener("input", markDirty);
    const textarea = form.querySelector("textarea");
    // --- Live preview, rendered by the server's own pipeline (the saved note looks the same) ---
    const previewEl = form.querySelector("[data-preview]");
    let previewTimer = null, previewing = false, previewAgain = false, previews = 0;

    async function refreshPreview() {
      if (previewing) { previewAgain = true; return; }  // one request at a time, the newest text next
      previewing = true;
      const body = new FormData();
      body.append("csrf_token", csrfToken(form));
      body.append("body", textarea.value);
      try {
        const response = await fetch(form.dataset.previewUrl, { method: "POST", body: body, credentials: "same-origin",
                                                                headers: { "Accept": "application/json" } });
        if (response.ok) {
          previewEl.innerHTML = (await response.json()).html;  // sanitised by nh3 on the server
          previewEl.dataset.previews = String(++previews);
        }
      } catch (err) { /* the app is not answering: the autosave says so */ }
      previewing = false;
      if (previewAgain) { previewAgain = false; refreshPreview(); }
    }
    if (previewEl && textarea) {
      // At once when idle; while a render is on its way, the newest text goes next (no fixed delay).
      textarea.addEventListener("input", function () {
        clearTimeout(previewTimer);
        if (previewing) { previewAgain = true; } else { refreshPreview(); }
      });
      // The page comes without its preview (a long note shows its editor sooner): fill it now.
      if (textarea.value) { previewTimer = setTimeout(refreshPreview, 0); }
    }

    // --- The Markdown editor (vendor/editor.js, CodeMirror): formatting keys, lists that continue
    // on Enter, colours; it keeps the textarea's value current, so everything above reads that.
    // Pasted images and dropped files are attached and linked where the caret is.
    async function attach(files) {
      show("Attaching…", "saving");
      const data = await uploadFiles(form.dataset.uploadUrl, files, csrfToken(form));
      const links = (data.attachments || []).map(function (a) {
        return (a.image ? "!" : "") + "[" + a.name.replace(/[\[\]]/g, "") + "](" + a.url.replace(/ /g, "%20") + ")";
      }).join("\n");
      if (links) { insertOnItsOwnLine(links); }
      if (data.problems && data.problems.length) { show("Not attached: " + data.problems.join(" "), "error"); }
    }
    const canAttach = Boolean(form.dataset.uploadUrl && textarea);
    const markdownEditor = textarea && window.InkwellEditor
      ? window.InkwellEditor.create(textarea, { onFiles: canAttach ? attach : null,
                                                styleNonce: form.dataset.styleNonce }) : null;

    form.querySelectorAll("[data-insert-link]").forEach(function (button) {
      button.addEventListener("click", function () { insertOnItsOwnLine(button.dataset.insertLink); });
    });

    // Links go on a line of their own: never glued to the word before or after the caret.
    function insertOnItsOwnLine(text) {
      if (markdownEditor) { markdownEditor.insertOnOwnLine(text); return; }  // it tells the textarea
      const before = textarea.value.slice(0, textarea.selectionStart);
      const after = textarea.value.slice(textarea.selectionEnd);
      const lead = before === "" || before.endsWith("\n") ? "" : "\n";
      const tail = after === "" || after.startsWith("\n") ? "" : "\n";
      textarea.setRangeText(lead + text + tail, textarea.selectionStart, textarea.selectionEnd, "end");
      textarea.focus();
      markDirty();
    }
    if (canAttach && !markdownEditor) { acceptDrops(textarea, textarea, attach); }  // the plain textarea
    form.addEventListener("submit", function (event) {
      event.preventDefault();  // save through fetch, then go to the note
      closeAfterSave = true;
      dirty = true;
      save();
    });
    // A link inside the app (the sidebar, a tag) waits until the edits are saved, then goes.
    document.addEventListener("click", function (event) {
      const link = event.target.closest && event.target.closest("a[href]");
      if (!link || !(dirty || saving) || stopped || event.defaultPrevented || event.button !== 0
          || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || link.target
          || link.hasAttribute("download") || link.origin !== window.location.origin) { return; }
      event.preventDefault();
      flush().then(function () { window.location.href = link.href; });
    }, true);
    // Leaving any other way (the browser's back button, closing a browser tab): send the last
    // edits with a request that outlives the page.
    window.addEventListener("pagehide", function () {
      if (!dirty || stopped) { return; }
      try {
        fetch(form.action, { method: "POST", body: new FormData(form), keepalive: true,
                             credentials: "same-origin", headers: { "Accept": "application/json" } });
      } catch (err) { /* too big to outlive the page: the autosave had most of it */ }
    });
    window.desktopFlush = flush;  // the desktop shell's hook: called before the window closes
    // The desktop shell brought its app process back after a crash: save what the failed saves kept.
    window.addEventListener("desktop:app-restarted", function () { if (dirty && !stopped) { save(); } });
    // Typed before this script ran (a fast typist, a slow start): those edits are unsaved too.
    if (Array.from(form.elements).some(function (el) {
      return (el.tagName === "TEXTAREA" || el.type === "text") && el.value !== el.defaultValue;
    })) { markDirty(); }
    return { saveNow: function () { dirty = true; explicit = true; save(); }, flush: flush };
  })();
})();
