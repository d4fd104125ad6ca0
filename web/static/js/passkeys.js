// Passkeys (WebAuthn) for the account page and the sign-in pages. Each
// block marked data-passkey="register|signin|step" names the URLs that
// begin and finish its ceremony. Without this script, or in a browser
// without WebAuthn, the block keeps saying passkeys need it and its
// controls stay hidden; everything else on the page works without it.
(function () {
  "use strict";

  // base64url <-> ArrayBuffer: the server speaks base64url, the WebAuthn
  // API ArrayBuffers.
  function toBuffer(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }
  function fromBuffer(buf) {
    var bytes = new Uint8Array(buf), bin = "";
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function creationOptions(o) {
    var p = o.publicKey;
    p.challenge = toBuffer(p.challenge);
    p.user.id = toBuffer(p.user.id);
    (p.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return { publicKey: p };
  }
  function requestOptions(o) {
    var p = o.publicKey;
    p.challenge = toBuffer(p.challenge);
    (p.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return { publicKey: p, mediation: o.mediation || undefined };
  }
  function extensions(cred) {
    return cred.getClientExtensionResults ? cred.getClientExtensionResults() : {};
  }
  function created(cred) {
    var r = cred.response;
    return {
      id: cred.id, rawId: fromBuffer(cred.rawId), type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      response: {
        clientDataJSON: fromBuffer(r.clientDataJSON),
        attestationObject: fromBuffer(r.attestationObject),
        transports: r.getTransports ? r.getTransports() : []
      },
      clientExtensionResults: extensions(cred)
    };
  }
  function asserted(cred) {
    var r = cred.response;
    return {
      id: cred.id, rawId: fromBuffer(cred.rawId), type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      response: {
        clientDataJSON: fromBuffer(r.clientDataJSON),
        authenticatorData: fromBuffer(r.authenticatorData),
        signature: fromBuffer(r.signature),
        userHandle: r.userHandle ? fromBuffer(r.userHandle) : undefined
      },
      clientExtensionResults: extensions(cred)
    };
  }

  // post sends body and resolves to {ok, data}; the server answers JSON.
  function post(url, body, type) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": type, "Accept": "application/json" }, body: body
    }).then(function (res) {
      return res.json().then(function (data) { return { ok: res.ok, data: data }; });
    });
  }

  function setup(root) {
    var kind = root.getAttribute("data-passkey");
    var control = root.querySelector("[data-passkey-form]");
    var nojs = root.querySelector("[data-passkey-nojs]");
    var errorBox = root.querySelector("[data-passkey-error]");
    function fail(msg) {
      errorBox.textContent = msg || root.getAttribute("data-msg-failed");
      errorBox.hidden = false;
    }
    if (!window.PublicKeyCredential || !navigator.credentials) {
      nojs.textContent = root.getAttribute("data-msg-unsupported");
      return;
    }
    nojs.hidden = true;
    control.hidden = false;

    var busy = false;
    function run(event) {
      event.preventDefault();
      if (busy) return;
      busy = true;
      errorBox.hidden = true;
      var begin = kind === "register"
        ? post(root.getAttribute("data-begin"), new URLSearchParams(new FormData(control)).toString(), "application/x-www-form-urlencoded")
        : post(root.getAttribute("data-begin"), "", "application/x-www-form-urlencoded");
      begin.then(function (res) {
        if (!res.ok) throw new Error(res.data.error || "");
        return kind === "register"
          ? navigator.credentials.create(creationOptions(res.data)).then(created)
          : navigator.credentials.get(requestOptions(res.data)).then(asserted);
      }).then(function (body) {
        return post(root.getAttribute("data-finish"), JSON.stringify(body), "application/json");
      }).then(function (res) {
        if (!res.ok) throw new Error(res.data.error || "");
        window.location.assign(res.data.redirect);
      }).catch(function (err) {
        // A cancelled prompt is a DOMException: say it in our words.
        fail(err instanceof DOMException ? "" : err.message);
      }).then(function () { busy = false; });
    }
    if (control.tagName === "FORM") control.addEventListener("submit", run);
    else control.addEventListener("click", run);
  }

  document.querySelectorAll("[data-passkey]").forEach(setup);
})();
