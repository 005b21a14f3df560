import type { UploadProgress } from './LicenseManagementApi';

export interface SendWithProgressOptions {
  method: string;
  url: string;
  body: XMLHttpRequestBodyInit;
  contentType?: string;
  token?: string;
  onProgress: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/**
 * Sends a request with XMLHttpRequest, the one browser API that reports
 * upload progress, and answers with a fetch `Response` so callers handle
 * both paths alike. Network failures reject with a TypeError, as fetch does.
 */
export function sendWithProgress(options: SendWithProgressOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(options.method, options.url);
    if (options.contentType) xhr.setRequestHeader('Content-Type', options.contentType);
    if (options.token) xhr.setRequestHeader('Authorization', `Bearer ${options.token}`);
    xhr.upload.onprogress = event => {
      if (event.lengthComputable) options.onProgress({ loaded: event.loaded, total: event.total });
    };
    xhr.onload = () => {
      const headers = new Headers();
      const type = xhr.getResponseHeader('content-type');
      if (type) headers.set('content-type', type);
      const status = xhr.status;
      // A Response cannot carry a body with 204/205/304.
      const body = [204, 205, 304].includes(status) ? null : xhr.responseText;
      resolve(new Response(body, { status, statusText: xhr.statusText, headers }));
    };
    xhr.onerror = () => reject(new TypeError('Failed to fetch'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(options.body);
  });
}
