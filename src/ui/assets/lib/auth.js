/** The API token: asked for when the server answers 401, kept in sessionStorage for this tab. */
import { h } from './dom.js';

const KEY = 'keel.token';
let pending = null;

/** The stored token, or null. */
export function getToken() {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Forgets the token (sign out). */
export function clearToken() {
  sessionStorage.removeItem(KEY);
  renderSession();
}

/** Shows "signed in" state and a sign-out button in the top bar. */
export function renderSession() {
  const slot = document.getElementById('session');
  if (!slot) return;
  slot.replaceChildren();
  if (!getToken()) return;
  slot.append(
    h('span', { class: 'muted', text: 'token set' }),
    h('button', {
      class: 'btn btn-small',
      type: 'button',
      text: 'Sign out',
      on: {
        click: () => {
          clearToken();
          location.reload();
        },
      },
    }),
  );
}

/**
 * Asks for the token in a modal dialog; resolves with it once entered (and stores it), or rejects
 * when the dialog is cancelled. Concurrent callers share one dialog.
 */
export function requestToken(message) {
  if (pending) return pending;
  pending = new Promise((resolve, reject) => {
    const input = h('input', {
      type: 'password',
      name: 'token',
      autocomplete: 'current-password',
      required: true,
      placeholder: 'server.token',
      'aria-label': 'API token',
    });
    const dialog = h(
      'dialog',
      { class: 'login', id: 'login-dialog' },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { text: 'Sign in' }),
        h('p', { class: 'muted', text: message || 'This server needs its API token (server.token).' }),
        input,
        h(
          'div',
          { class: 'actions' },
          h('button', { class: 'btn', value: 'cancel', formnovalidate: true, text: 'Cancel' }),
          h('button', { class: 'btn btn-primary', value: 'ok', text: 'Sign in' }),
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      const token = input.value.trim();
      dialog.remove();
      pending = null;
      if (dialog.returnValue === 'ok' && token) {
        sessionStorage.setItem(KEY, token);
        renderSession();
        resolve(token);
      } else reject(new Error('Sign-in cancelled.'));
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
  return pending;
}
