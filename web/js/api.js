// Fetch wrapper for the E-Tracking API: bearer token, JSON in and out, errors as ApiError
// {status, code, message, field}. A 401 on an authenticated call ends the session.

const KEY = "etracking.session";
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
  get() {
    try {
      const s = JSON.parse(localStorage.getItem(KEY) || "null");
      if (!s || !s.token) return null;
      if (s.expires_at && Date.now() > s.expires_at) {
        localStorage.removeItem(KEY);
        return null;
      }
      return s;
    } catch {
      return null;
    }
  },
  set(token, user, expiresIn) {
    const expires_at = expiresIn ? Date.now() + expiresIn * 1000 : null;
    localStorage.setItem(KEY, JSON.stringify({ token, user, expires_at }));
  },
  setUser(user) {
    const s = this.get();
    if (s) localStorage.setItem(KEY, JSON.stringify({ ...s, user }));
  },
  clear() {
    localStorage.removeItem(KEY);
  },
};

/**
 * Call the API. path is relative to /api ("/tickets"). query: object of parameters
 * (empty values left out). Returns the parsed JSON body; throws ApiError.
 */
export async function api(method, path, { body, query, auth = true } = {}) {
  let url = base() + path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== "") qs.set(k, v);
    }
    const s = qs.toString();
    if (s) url += `?${s}`;
  }
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const s = session.get();
  if (auth && s) headers.Authorization = `Bearer ${s.token}`;
  let res;
  try {
    res = await fetch(url, {
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
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.ok) return data;
  const err = new ApiError(
    res.status,
    data && data.message
      ? data
      : { code: `HTTP_${res.status}`, message: `Terjadi kesalahan pada server (${res.status}).` }
  );
  if (res.status === 401 && auth) {
    session.clear();
    window.dispatchEvent(new CustomEvent("etracking:unauthorized", { detail: err }));
  }
  throw err;
}

export const get = (path, query) => api("GET", path, { query });
export const post = (path, body) => api("POST", path, { body: body === undefined ? {} : body });
export const patch = (path, body) => api("PATCH", path, { body });

/** Log in; stores the session and returns the user. */
export async function login(email, password, newPassword) {
  const body = { email, password };
  if (newPassword) body.new_password = newPassword;
  const r = await api("POST", "/auth/login", { body, auth: false });
  session.set(r.token, r.user, r.expires_in);
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
