/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The content security policy of UI pages: only this origin's scripts, no plugins, no framing by
 * others. Inline styles stay allowed because the drift reports shown in a sandboxed frame carry theirs.
 */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

/** Where the page finds its files and data. */
export interface ShellOptions {
  readonly project: string;
  /** Path the pages live under, e.g. `/ui`. */
  readonly uiBase: string;
  /** Path of the JSON API, e.g. `/api/v1`. */
  readonly apiBase: string;
}

/** The one HTML page every `/ui/...` route answers; the ES modules under `assets/` render the rest. */
export function renderShell(o: ShellOptions): string {
  const ui = escapeHtml(o.uiBase);
  return `<!doctype html>
<html lang="en" data-ui-base="${ui}" data-api-base="${escapeHtml(o.apiBase)}" data-project="${escapeHtml(o.project)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escapeHtml(o.project)} · Keel</title>
<link rel="icon" href="${ui}/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${ui}/vendor/uplot.min.css">
<link rel="stylesheet" href="${ui}/assets/base.css">
<link rel="stylesheet" href="${ui}/assets/components.css">
<link rel="stylesheet" href="${ui}/assets/controls.css">
<link rel="stylesheet" href="${ui}/assets/charts.css">
<script type="module" src="${ui}/assets/app.js"></script>
</head>
<body>
<header class="topbar">
  <a class="brand" href="${ui}/" data-link><span class="brand-mark" aria-hidden="true"></span>Keel</a>
  <span class="project">${escapeHtml(o.project)}</span>
  <nav class="nav" aria-label="Sections">
    <a href="${ui}/" data-link data-nav="overview">Overview</a>
    <a href="${ui}/experiments" data-link data-nav="experiments">Experiments</a>
    <a href="${ui}/models" data-link data-nav="models">Models</a>
    <a href="${ui}/deployments" data-link data-nav="deployments">Deployments</a>
    <a href="${ui}/reports" data-link data-nav="reports">Drift reports</a>
  </nav>
  <span class="session" id="session"></span>
</header>
<main id="main" class="main" aria-live="polite"><p class="loading">Loading…</p></main>
<noscript><p class="main">The Keel UI needs JavaScript. The same data is available from the CLI (keel runs list, keel models list).</p></noscript>
</body>
</html>
`;
}
