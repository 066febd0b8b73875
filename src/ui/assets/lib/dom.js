/**
 * DOM helpers. Everything that comes from data is set with textContent or setAttribute, never as
 * HTML, so run names, params and tags cannot inject markup.
 */

const BASE = document.documentElement.dataset.uiBase ?? '/ui';

/** A path inside the UI: `ui('models', name)` → `/ui/models/<name>` with every segment encoded. */
export function ui(...segments) {
  return `${BASE}/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

/** Appends children: strings and numbers become text, arrays are flattened, null/false/undefined skipped. */
export function append(parent, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/**
 * Creates an element. `props`: `class`, `text`, `dataset`, `on` (event → handler), `style`
 * (object), any other key as an attribute (`true` → present, false/null → absent).
 */
export function h(tag, props = {}, ...children) {
  const el = tag.includes(':')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class')
      el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value);
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style') Object.assign(el.style, value);
    else if (key === 'on') for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  return append(el, ...children);
}

/** An SVG element (`svg('rect', {...})`). */
export function svg(tag, attrs = {}, ...children) {
  return h(`svg:${tag}`, attrs, ...children);
}

/** A link inside the UI that the router handles without reloading the page. */
export function link(href, ...children) {
  return h('a', { href, 'data-link': true }, ...children);
}

/** Replaces an element's children. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, ...children);
}
