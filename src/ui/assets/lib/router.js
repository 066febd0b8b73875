/** A small history-API router: `/ui/<path>` → a page function that returns a node. */
import { errorBox } from './components.js';
import { h, replace } from './dom.js';

const BASE = document.documentElement.dataset.uiBase ?? '/ui';
const routes = [];
let renderId = 0;

/** Adds a route: `pattern` like `/runs/:id`; `page(ctx)` returns (a promise of) a node. */
export function route(pattern, nav, page) {
  const keys = [];
  const source = pattern
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) {
        keys.push(part.slice(1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  routes.push({ re: new RegExp(`^${source}/?$`), keys, nav, page });
}

function match(pathname) {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) || '/' : pathname;
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1])]));
      return { route: r, params };
    }
  }
  return null;
}

/** Renders the page for the current location into #main. */
export async function render() {
  const id = ++renderId;
  const main = document.getElementById('main');
  const found = match(location.pathname);
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.classList.toggle('active', a.dataset.nav === found?.route.nav);
  }
  if (!found) {
    replace(main, errorBox({ code: 'Not found', message: `No page at ${location.pathname}.` }));
    return;
  }
  main.setAttribute('aria-busy', 'true');
  const ctx = {
    params: found.params,
    query: new URLSearchParams(location.search),
    isCurrent: () => id === renderId,
  };
  try {
    const node = await found.route.page(ctx);
    if (id !== renderId) return;
    replace(main, node);
  } catch (error) {
    if (id !== renderId) return;
    replace(main, h('div', { class: 'page' }, errorBox(error)));
  } finally {
    if (id === renderId) {
      main.removeAttribute('aria-busy');
      // Marks which page is shown, for tests and tooling: the path, and that rendering finished.
      main.dataset.path = location.pathname;
      main.dataset.rendered = location.pathname + location.search;
    }
  }
}

/** Goes to a UI path (adding a history entry) and renders it. */
export function navigate(href, { replaceState = false } = {}) {
  if (replaceState) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.scrollTo(0, 0);
  return render();
}

/** Routes clicks on `a[data-link]` and back/forward through the router. */
export function start() {
  document.addEventListener('click', (event) => {
    const a = event.target instanceof Element ? event.target.closest('a[data-link]') : null;
    if (!a || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(a.getAttribute('href'));
  });
  window.addEventListener('popstate', () => render());
  return render();
}
