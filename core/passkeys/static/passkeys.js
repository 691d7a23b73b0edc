// Passkeys (WebAuthn): adding one on a profile page, signing in with one (button or autofill).
// Progressive enhancement: without JavaScript or passkey support the elements stay hidden.
(() => {
  if (window.__passkeys) return;
  window.__passkeys = true;
  const b64 = {
    toBytes(value) {
      const text = atob(value.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((value.length + 3) % 4));
      return Uint8Array.from(text, (c) => c.charCodeAt(0));
    },
    fromBytes(buffer) {
      let text = "";
      new Uint8Array(buffer).forEach((byte) => { text += String.fromCharCode(byte); });
      return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    },
  };
  const csrf = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  // A request that may give the session a new id (and the page's forms a new token): a form sent
  // meanwhile waits for it, so that it never leaves with the old token beside the new cookie.
  let inflight = null;
  document.addEventListener("submit", (event) => {
    if (!inflight || event.defaultPrevented) return;
    event.preventDefault();
    const form = event.target;
    inflight.finally(() => form.submit());
  });
  function post(url, body) {
    const request = send(url, body);
    inflight = request.catch(() => null);
    const mine = inflight;
    mine.finally(() => { if (inflight === mine) inflight = null; });
    return request;
  }
  async function send(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body || {}),
    });
    let data = {};
    try { data = await response.json(); } catch (error) { data = {}; }
    if (data.csrfToken) {
      // The session may have a new id now: every form of the page takes its token.
      const meta = document.querySelector('meta[name="csrf-token"]');
      if (meta) meta.content = data.csrfToken;
      document.querySelectorAll('input[name="csrf_token"]').forEach((input) => { input.value = data.csrfToken; });
    }
    return { ok: response.ok, data };
  }
  function creationOptions(o) {
    return {
      ...o,
      challenge: b64.toBytes(o.challenge),
      user: { ...o.user, id: b64.toBytes(o.user.id) },
      excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: b64.toBytes(c.id) })),
    };
  }
  function requestOptions(o) {
    return {
      ...o,
      challenge: b64.toBytes(o.challenge),
      allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: b64.toBytes(c.id) })),
    };
  }
  function registrationJSON(credential) {
    const r = credential.response;
    return {
      id: credential.id, rawId: b64.fromBytes(credential.rawId), type: credential.type,
      response: {
        clientDataJSON: b64.fromBytes(r.clientDataJSON),
        attestationObject: b64.fromBytes(r.attestationObject),
        transports: r.getTransports ? r.getTransports() : [],
      },
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  }
  function assertionJSON(credential) {
    const r = credential.response;
    return {
      id: credential.id, rawId: b64.fromBytes(credential.rawId), type: credential.type,
      response: {
        clientDataJSON: b64.fromBytes(r.clientDataJSON),
        authenticatorData: b64.fromBytes(r.authenticatorData),
        signature: b64.fromBytes(r.signature),
        userHandle: r.userHandle ? b64.fromBytes(r.userHandle) : null,
      },
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  }
  function setupAdd(form) {
    const error = form.querySelector("[data-passkey-error]");
    form.hidden = false;
    const note = form.parentElement.querySelector("[data-passkey-unsupported]");
    if (note) note.hidden = true;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      const name = form.querySelector("input[name=name]").value.trim();
      try {
        const start = await post(form.dataset.start);
        if (!start.ok) { error.textContent = start.data.error || ""; return; }
        const credential = await navigator.credentials.create({ publicKey: creationOptions(start.data.publicKey) });
        const done = await post(form.dataset.finish, { name, credential: registrationJSON(credential) });
        if (done.ok) { window.location.assign(done.data.redirect); return; }
        error.textContent = done.data.error || "";
      } catch (exc) {
        error.textContent = exc && exc.name === "NotAllowedError" ? "" : String(exc && exc.message || exc);
      }
    });
  }
  function setupSignIn(box) {
    const error = box.querySelector("[data-passkey-error]");
    const remember = document.querySelector("input[name=remember]");
    let pending = null;
    async function run(mediation) {
      if (pending) pending.abort();
      pending = new AbortController();
      const start = await post(box.dataset.start);
      if (!start.ok) { error.textContent = start.data.error || ""; return; }
      const options = { publicKey: requestOptions(start.data.publicKey), signal: pending.signal };
      if (mediation) options.mediation = mediation;
      const credential = await navigator.credentials.get(options);
      if (!credential) return;
      const done = await post(box.dataset.finish, {
        credential: assertionJSON(credential), next: box.dataset.next, remember: !!(remember && remember.checked),
      });
      if (done.ok) { window.location.assign(done.data.redirect); return; }
      error.textContent = done.data.error || "";
    }
    const quiet = (exc) => { if (exc && exc.name !== "AbortError" && exc.name !== "NotAllowedError") error.textContent = String(exc.message || exc); };
    box.hidden = false;
    box.querySelector("[data-passkey-button]").addEventListener("click", () => { error.textContent = ""; run(null).catch(quiet); });
    if (PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then((yes) => { if (yes) run("conditional").catch(quiet); });
    }
  }
  document.addEventListener("DOMContentLoaded", () => {
    if (!window.PublicKeyCredential || !navigator.credentials) return;
    document.querySelectorAll("[data-passkey-add]").forEach(setupAdd);
    document.querySelectorAll("[data-passkey-signin]").forEach(setupSignIn);
  });
})();
