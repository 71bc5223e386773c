// Serve mode's access token arrives in the address (`/?token=…`). Left there it would sit in
// the browser history and be shown to anyone looking at the screen; it is read once, kept for
// this tab in sessionStorage (so a reload still works), and taken out of the address bar.
const KEY = 'transfer-studio-token';

let token: string | null | undefined;

export function pageToken(): string | null {
  if (token !== undefined) return token;
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(KEY, fromUrl);
    } catch {
      // Storage refused (private mode): the token still lives in memory for this page.
    }
    url.searchParams.delete('token');
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
    token = fromUrl;
  } else {
    try {
      token = sessionStorage.getItem(KEY);
    } catch {
      token = null;
    }
  }
  return token;
}
