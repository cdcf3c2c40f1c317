// Fetch wrapper for the E-Tracking API: bearer token, JSON in and out, errors as ApiError
// {status, code, message, field}. Sessions renew while in use (refresh token, before expiry and
// once after a 401); when renewal is impossible the shell's re-login handler is awaited, so the
// request goes on after the official logs in again and nothing typed on the screen is lost.

const KEY = "etracking.session";
const RENEW_BEFORE_MS = 5 * 60 * 1000; // renew a token that expires within five minutes
const base = () => (window.ETRACKING_CONFIG && window.ETRACKING_CONFIG.apiBase) || "/api";

export class ApiError extends Error {
  constructor(status, body) {
    super(body.message || "Terjadi kesalahan.");
    this.status = status;
    this.code = body.code || `HTTP_${status}`;
    this.field = body.field || null;
    this.body = body;
  }
}

export const session = {
  /**
   * The stored session, even when its token has expired: the console stays on screen and the
   * first refused request renews it or asks for the password in place; null if none.
   */
  get() {
    try {
      const s = JSON.parse(localStorage.getItem(KEY) || "null");
      return s && s.token ? s : null;
    } catch {
      return null;
    }
  },
  set(r, user) {
    const old = this.get();
    localStorage.setItem(
      KEY,
      JSON.stringify({
        token: r.token,
        refresh_token: r.refresh_token || (old && old.refresh_token) || null,
        expires_at: r.expires_in ? Date.now() + r.expires_in * 1000 : null,
        user: user || (old && old.user) || null,
        workflows: (old && old.workflows) || null,
      })
    );
  },
  setUser(user) {
    const s = this.get();
    if (s) localStorage.setItem(KEY, JSON.stringify({ ...s, user }));
  },
  /** GET /api/workflows of this official, kept as long as the session (see catalog.js). */
  setWorkflows(workflows) {
    const s = this.get();
    if (s) localStorage.setItem(KEY, JSON.stringify({ ...s, workflows }));
  },
  clear() {
    localStorage.removeItem(KEY);
  },
};

let renewing = null;
let reauthing = null;
let reauthHandler = null;

/**
 * Who to ask when the session can no longer renew: fn(error) → Promise of true (the same
 * official logged in again: retry), "other" (another account logged in) or false (gave up).
 */
export function setReauthHandler(fn) {
  reauthHandler = fn;
}

/** Exchange the refresh token for a new ID token (one exchange at a time); true on success. */
export function renewSession() {
  const s = session.get();
  if (!s || !s.refresh_token) return Promise.resolve(false);
  if (!renewing) {
    renewing = send("POST", "/auth/refresh", { body: { refresh_token: s.refresh_token } })
      .then(async (res) => {
        if (!res.ok) return false;
        session.set(await res.json());
        return true;
      })
      .catch(() => false)
      .finally(() => {
        renewing = null;
      });
  }
  return renewing;
}

/** Renew now if the token expires soon (called before requests and by the activity timer). */
export async function renewIfDue() {
  const s = session.get();
  if (s && s.refresh_token && s.expires_at && s.expires_at - Date.now() < RENEW_BEFORE_MS) {
    await renewSession();
  }
}

function buildUrl(path, query) {
  let url = base() + path;
  if (!query) return url;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== "") qs.set(k, v);
  }
  const s = qs.toString();
  return s ? `${url}?${s}` : url;
}

async function send(method, path, { body, query, token } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(buildUrl(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, {
      code: "NETWORK_ERROR",
      message: "Tidak dapat terhubung ke server. Periksa koneksi lalu coba lagi.",
    });
  }
}

async function readError(res) {
  let data = null;
  try {
    data = JSON.parse(await res.text());
  } catch {
    data = null;
  }
  return new ApiError(
    res.status,
    data && data.message
      ? data
      : { code: `HTTP_${res.status}`, message: `Terjadi kesalahan pada server (${res.status}).` }
  );
}

/** Ask the shell to log the official in again (one dialog for every waiting request). */
function reauthenticate(err) {
  if (!reauthHandler) return Promise.resolve(false);
  if (!reauthing) {
    reauthing = Promise.resolve(reauthHandler(err))
      .catch(() => false)
      .finally(() => {
        reauthing = null;
      });
  }
  return reauthing;
}

async function authorized(method, path, opts) {
  await renewIfDue();
  let res = await send(method, path, { ...opts, token: (session.get() || {}).token });
  if (res.status !== 401) return res;
  // the token is no longer accepted: renew once, else log in again in place, then retry once
  const err = await readError(res);
  const again = (await renewSession()) || (await reauthenticate(err));
  if (again === "other") throw err; // someone else logged in here: their session, not this request
  if (again) {
    res = await send(method, path, { ...opts, token: (session.get() || {}).token });
    if (res.status !== 401) return res;
  }
  session.clear();
  window.dispatchEvent(new CustomEvent("etracking:unauthorized", { detail: err }));
  throw err;
}

/**
 * Call the API. path is relative to /api ("/tickets"). query: object of parameters
 * (empty values left out). Returns the parsed JSON body; throws ApiError.
 */
export async function api(method, path, { body, query, auth = true } = {}) {
  const res = auth
    ? await authorized(method, path, { body, query })
    : await send(method, path, { body, query });
  if (!res.ok) throw await readError(res);
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export const get = (path, query) => api("GET", path, { query });
export const post = (path, body) => api("POST", path, { body: body === undefined ? {} : body });
export const patch = (path, body) => api("PATCH", path, { body });

/** GET `path` (an answer with a short-lived `url`) and show that url in a new tab. The tab
 * is opened at once, before the await: a pop-up opened after it is blocked. Resolves to
 * the answer and whether the tab opened; a failed request closes the tab and throws. */
export async function openInNewTab(path) {
  const tab = window.open("", "_blank");
  try {
    const answer = await get(path);
    if (tab) {
      tab.opener = null;
      tab.location.href = answer.url;
    }
    return { answer, opened: !!tab };
  } catch (err) {
    if (tab) tab.close();
    throw err;
  }
}

/** Log in; stores the session (with its refresh token when the API gives one); returns the user. */
export async function login(email, password, newPassword) {
  const body = { email, password };
  if (newPassword) body.new_password = newPassword;
  const r = await api("POST", "/auth/login", { body, auth: false });
  session.clear();
  session.set(r, r.user);
  return r.user;
}

/**
 * Upload a file to a presigned POST with progress: fields first, the file last.
 * onProgress(fraction 0..1). Resolves when S3 accepted it.
 */
export function uploadToPresigned(upload, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(upload.fields || {})) form.append(k, v);
    form.append("file", file);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", upload.url);
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        if (onProgress) onProgress(1);
        resolve();
      } else {
        reject(
          new ApiError(xhr.status, {
            code: "UPLOAD_FAILED",
            message: `Penyimpanan menolak berkas (HTTP ${xhr.status}). Coba unggah lagi.`,
          })
        );
      }
    });
    const fail = () =>
      reject(
        new ApiError(0, {
          code: "UPLOAD_FAILED",
          message: "Unggahan gagal: tidak dapat terhubung ke penyimpanan berkas. Coba lagi.",
        })
      );
    xhr.addEventListener("error", fail);
    xhr.addEventListener("abort", fail);
    xhr.send(form);
  });
}
