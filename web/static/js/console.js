// Atiende console: keyboard shortcuts and reply-draft keeping. Loaded only
// on console pages. Everything here is a shortcut for something the page
// already offers as a link, a button or a form; without this file the
// console works the same, only slower. No inline script, no eval.
(function () {
  'use strict';

  var SELECTED = 'is-selected';

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll('[data-row]'));
  }

  function selectedIndex(list) {
    for (var i = 0; i < list.length; i++) {
      if (list[i].classList.contains(SELECTED)) return i;
    }
    return -1;
  }

  // select marks row i of the list and moves the focus to its link, so
  // Enter opens it and screen readers announce it.
  function select(list, i) {
    if (!list.length) return;
    i = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (r) { r.classList.remove(SELECTED); });
    var row = list[i];
    row.classList.add(SELECTED);
    var link = row.querySelector('[data-row-link]');
    if (link) link.focus({ preventScroll: true });
    row.scrollIntoView({ block: 'nearest' });
  }

  function selectedRow() {
    var list = rows();
    var i = selectedIndex(list);
    return i < 0 ? null : list[i];
  }

  function toggleHelp() {
    var help = document.getElementById('shortcut-help');
    if (!help) return;
    help.open = !help.open;
    if (help.open) {
      var summary = help.querySelector('summary');
      if (summary) summary.focus();
    }
  }

  // startReply picks public or internal and puts the cursor in the box.
  function startReply(kind) {
    var body = document.getElementById('body');
    if (!body) return;
    var radio = document.querySelector('input[name="visibility"][value="' + kind + '"]');
    if (radio) radio.checked = true;
    body.focus();
  }

  function typing(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable;
  }

  document.addEventListener('keydown', function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'Escape') {
      var help = document.getElementById('shortcut-help');
      if (help && help.open) {
        help.open = false;
        event.preventDefault();
      } else if (typing(document.activeElement)) {
        document.activeElement.blur();
      }
      return;
    }
    if (typing(event.target)) return;
    var list = rows();
    var row;
    switch (event.key) {
      case 'j':
        select(list, selectedIndex(list) + 1);
        break;
      case 'k':
        select(list, selectedIndex(list) < 0 ? 0 : selectedIndex(list) - 1);
        break;
      case 'o':
        row = selectedRow();
        if (!row) return;
        row.querySelector('[data-row-link]').click();
        break;
      case 'a':
        row = selectedRow();
        var take = row && row.querySelector('form[data-take]');
        if (!take) return;
        take.requestSubmit();
        break;
      case 'x':
        row = selectedRow();
        var box = row && row.querySelector('input[type="checkbox"]');
        if (!box) return;
        box.checked = !box.checked;
        break;
      case 'r':
        startReply('public');
        break;
      case 'n':
        startReply('internal');
        break;
      case 'u':
        var back = document.querySelector('[data-back]');
        if (!back) return;
        back.click();
        break;
      case '?':
        toggleHelp();
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  // Reply drafts are kept in this tab while the agent works on the ticket's
  // other forms (status, tags…), which reload the page: the text comes back
  // unless the server already put a draft there (after a conflict). Sending
  // the reply forgets it.
  var reply = document.querySelector('form[data-testid="reply-form"]');
  var body = document.getElementById('body');
  if (reply && body && window.sessionStorage) {
    var key = 'atiende-draft:' + location.pathname;
    try {
      var saved = sessionStorage.getItem(key);
      if (saved && !body.value) body.value = saved;
      body.addEventListener('input', function () {
        if (body.value) sessionStorage.setItem(key, body.value);
        else sessionStorage.removeItem(key);
      });
      reply.addEventListener('submit', function () { sessionStorage.removeItem(key); });
    } catch (e) {
      // Storage may be off (private mode, quota): drafts are then only
      // kept by the server's re-rendering.
    }
  }

  // The counts poll must never swap a login page into the sidebar when the
  // session has ended: keep the old counts instead.
  document.addEventListener('htmx:beforeSwap', function (event) {
    var target = event.detail.target;
    if (!target || target.id !== 'console-sidebar') return;
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status !== 200 || xhr.responseURL.indexOf('/agent/') < 0) {
      event.detail.shouldSwap = false;
    }
  });
})();
