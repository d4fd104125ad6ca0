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

  // The keyboard help is a dialog; its button in the sidebar is hidden
  // without this script, since the shortcuts need it too.
  function toggleHelp() {
    var help = document.getElementById('shortcut-help');
    if (!help || typeof help.showModal !== 'function') return;
    if (help.open) help.close();
    else help.showModal();
  }
  var helpButton = document.querySelector('[data-shortcut-open]');
  if (helpButton) {
    helpButton.hidden = false;
    helpButton.addEventListener('click', toggleHelp);
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
        return; // the dialog closes itself on Escape
      } else if (typing(document.activeElement)) {
        document.activeElement.blur();
      }
      return;
    }
    if (typing(event.target)) return;
    var dialog = document.getElementById('shortcut-help');
    if (dialog && dialog.open && event.key !== '?') return;
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
        // In a queue: the selected row's ticket; in the workspace: this one.
        row = selectedRow();
        if (row) {
          var take = row.querySelector('form[data-take]');
          if (!take) return;
          take.requestSubmit();
        } else {
          var me = document.querySelector('[data-testid="assign-me"]');
          if (!me) return;
          me.click();
        }
        break;
      case 's':
        // The workspace form's status ("Enviar como …").
        var status = document.getElementById('submit_as');
        if (!status) return;
        status.focus();
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
        // A new ticket (a call, a walk-in), from any console page.
        var add = document.querySelector('[data-new-ticket]');
        if (!add) return;
        add.click();
        break;
      case 'e':
        // The workspace's "Escalar" form.
        var esc = document.getElementById('escalate');
        if (!esc) return;
        esc.open = true;
        var to = document.getElementById('escalate_group');
        if (to) to.focus();
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
      // This tab's copy is newer than a saved draft the server put back.
      if (saved && (!body.value || body.hasAttribute('data-draft-saved'))) body.value = saved;
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

  // The workspace's time timer: an optional stopwatch that adds the
  // minutes it measured (rounded up) to the minutes field when stopped or
  // when the form is sent. Without this script the field is typed.
  var timerButton = document.querySelector('[data-timer]');
  var minutes = document.getElementById('minutes');
  if (timerButton && minutes && reply) {
    var started = 0;
    var stopTimer = function () {
      if (!started) return;
      var spent = Math.max(1, Math.ceil((Date.now() - started) / 60000));
      started = 0;
      minutes.value = String((parseInt(minutes.value, 10) || 0) + spent);
      timerButton.textContent = timerButton.getAttribute('data-label-start');
      timerButton.setAttribute('aria-pressed', 'false');
    };
    timerButton.hidden = false;
    timerButton.setAttribute('aria-pressed', 'false');
    timerButton.addEventListener('click', function () {
      if (started) {
        stopTimer();
        return;
      }
      started = Date.now();
      timerButton.textContent = timerButton.getAttribute('data-label-stop');
      timerButton.setAttribute('aria-pressed', 'true');
    });
    reply.addEventListener('submit', stopTimer);
  }

  /* Console: live */
  // The workspace's presence poll (every 10 s, and 1.5 s after the agent
  // stops typing) says whether the reply box has text and carries the box
  // as a draft when it changed since the last poll that succeeded. A draft
  // over 64 KiB is not sent: the last one that fit stays saved.
  var live = document.querySelector('[data-live-workspace]');
  if (live && window.htmx) {
    var MAX_DRAFT = 65536;
    var sending = false;
    var pending = null;
    var boxState = function (text, isPublic) { return (isPublic ? '1' : '0') + '|' + text; };
    var isPublic = function () {
      var internal = document.querySelector('input[name="visibility"][value="internal"]');
      return !(internal && internal.checked);
    };
    // What the server has: the box as it was served.
    var lastSent = body ? boxState(body.defaultValue, isPublic()) : null;
    live.addEventListener('htmx:configRequest', function (event) {
      if (event.detail.elt !== live || !body) return;
      var text = body.value;
      var p = event.detail.parameters;
      p.typing = text.trim() ? '1' : '';
      pending = null;
      var now = boxState(text, isPublic());
      if (sending || now === lastSent) return;
      if (window.TextEncoder && new TextEncoder().encode(text).length > MAX_DRAFT) return;
      p.draft = text;
      p.public = isPublic() ? '1' : '0';
      pending = now;
    });
    live.addEventListener('htmx:afterRequest', function (event) {
      if (event.detail.elt !== live) return;
      if (event.detail.successful && pending !== null) lastSent = pending;
      pending = null;
    });
    if (body) {
      var timer = null;
      var soon = function () {
        clearTimeout(timer);
        timer = setTimeout(function () { htmx.trigger(live, 'live-poll'); }, 1500);
      };
      body.addEventListener('input', soon);
      document.querySelectorAll('input[name="visibility"]').forEach(function (r) {
        r.addEventListener('change', soon);
      });
      if (reply) reply.addEventListener('submit', function () { sending = true; clearTimeout(timer); });
    }
  }

  // The queue's poll replaces the list: keep the row picked with j/k, and
  // the focus on it.
  var keep = null;
  document.addEventListener('htmx:beforeSwap', function (event) {
    var target = event.detail.target;
    if (!target || (target.id !== 'queue-list' && target.id !== 'presence')) return;
    var xhr = event.detail.xhr;
    // Never swap a login page in when the session has ended.
    if (!xhr || xhr.status !== 200 || xhr.responseURL.indexOf('/agent/') < 0) {
      event.detail.shouldSwap = false;
      return;
    }
    if (target.id !== 'queue-list') return;
    var row = selectedRow();
    keep = row ? { number: row.dataset.number, focus: row.contains(document.activeElement) } : null;
  });
  // A list that changed has changed counts too: refresh the sidebar now
  // rather than at its own next poll.
  document.addEventListener('htmx:afterRequest', function (event) {
    // The list was swapped out: htmx reports on an ancestor, so look at
    // the element that sent the request.
    var config = event.detail.requestConfig;
    var xhr = event.detail.xhr;
    if (!config || !config.elt || config.elt.id !== 'queue-list' || !xhr || xhr.status !== 200) return;
    var sidebar = document.getElementById('console-sidebar');
    var url = sidebar && sidebar.getAttribute('hx-get');
    if (url) htmx.ajax('GET', url, { source: sidebar, target: sidebar, swap: 'outerHTML' });
  });
  document.addEventListener('htmx:afterSettle', function () {
    if (!keep) return;
    var k = keep;
    keep = null;
    var list = rows();
    for (var i = 0; i < list.length; i++) {
      if (list[i].dataset.number !== k.number) continue;
      list[i].classList.add(SELECTED);
      var link = list[i].querySelector('[data-row-link]');
      if (k.focus && link) link.focus({ preventScroll: true });
      return;
    }
  });

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
