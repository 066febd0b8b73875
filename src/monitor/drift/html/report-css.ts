/** The stylesheet inlined into HTML drift reports (system fonts, light and dark friendly). */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1f2328; --muted: #667085; --line: #d0d7de; --drift: #c62828; --ok: #2e7d32; --ref: #9aa4b2; --cur: #1f6feb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1040px; margin: 0 auto; padding: 24px; }
h1 { margin: 0 0 4px; font-size: 24px; } h2 { margin-top: 32px; font-size: 18px; } h3 { margin: 0 0 8px; font-size: 16px; }
.muted { color: var(--muted); }
.verdict { display: inline-block; margin: 12px 0 4px; padding: 6px 12px; border-radius: 6px; font-weight: 600; font-size: 16px; }
.verdict.drift { background: #fdecea; color: var(--drift); } .verdict.ok { background: #e8f5e9; color: var(--ok); }
ul.meta, ul.facts { margin: 6px 0; padding-left: 18px; } ul.facts { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { font-weight: 600; background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.drifted td:first-child { border-left: 3px solid var(--drift); }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.badge.drift { background: #fdecea; color: var(--drift); } .badge.ok { background: #e8f5e9; color: var(--ok); } .badge.muted { background: #eef1f4; color: var(--muted); }
section.column { margin: 18px 0; padding: 14px; border: 1px solid var(--line); border-radius: 8px; }
svg.hist { max-width: 100%; height: auto; display: block; }
svg .ref { fill: var(--ref); fill-opacity: 0.75; } svg .cur { fill: var(--cur); fill-opacity: 0.45; }
svg .grid { stroke: #eaeef2; } svg .axis { stroke: #8c959f; } svg .tick { font-size: 11px; fill: var(--muted); }
.legend .swatch { display: inline-block; width: 12px; height: 12px; margin: 0 4px -2px 8px; border-radius: 2px; }
.swatch.ref { background: var(--ref); } .swatch.cur { background: var(--cur); opacity: 0.7; }
table.tests { width: auto; font-size: 13px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
`;
