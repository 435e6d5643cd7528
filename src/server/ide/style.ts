/** The IDE's stylesheet: light and dark from the OS setting, no web fonts. */
export const IDE_STYLE = `
:root { color-scheme: light dark; --bg: #fbfbfa; --panel: #ffffff; --fg: #1d1d1f; --muted: #6b6b70; --line: #dcdce0;
  --accent: #b0305a; --accent-fg: #ffffff; --code: #f3f3f5; --error: #b3261e; --ok: #1b7f3b; }
@media (prefers-color-scheme: dark) { :root { --bg: #151517; --panel: #1e1e21; --fg: #ececef; --muted: #9a9aa2;
  --line: #333338; --accent: #e0668f; --accent-fg: #151517; --code: #26262a; --error: #ff8a80; --ok: #7bd88f; } }
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
  display: grid; grid-template-rows: auto 1fr; }
header { display: flex; gap: 12px; align-items: center; padding: 8px 14px; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { font-size: 16px; margin: 0 8px 0 0; letter-spacing: .02em; }
header h1 span { color: var(--accent); }
header label { color: var(--muted); font-size: 12px; }
header input { width: 340px; }
.spacer { flex: 1; }
main { display: grid; grid-template-columns: minmax(300px, 1fr) minmax(300px, 1fr) 320px; min-height: 0; }
section { display: flex; flex-direction: column; min-height: 0; border-right: 1px solid var(--line); }
section h2 { font-size: 11px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 0; padding: 8px 12px 4px; }
textarea, input, pre { font: 13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: var(--fg); }
textarea, input { background: var(--code); border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
textarea { resize: none; margin: 0 12px 8px; tab-size: 2; }
#query { flex: 3; }
#variables, #headers { flex: 1; }
pre { flex: 1; margin: 0 12px 12px; padding: 8px; background: var(--code); border-radius: 6px; overflow: auto; white-space: pre-wrap; }
button { font: inherit; border: 0; border-radius: 6px; padding: 6px 14px; cursor: pointer; background: var(--accent); color: var(--accent-fg); }
button.secondary { background: transparent; color: var(--fg); border: 1px solid var(--line); }
button:disabled { opacity: .5; cursor: default; }
#status { font-size: 12px; color: var(--muted); padding: 0 12px 4px; min-height: 18px; }
#status.error { color: var(--error); }
#status.ok { color: var(--ok); }
#docs { overflow: auto; padding: 0 12px 12px; }
#docs h3 { font-size: 14px; margin: 12px 0 4px; }
#docs p { margin: 2px 0 8px; color: var(--muted); }
#docs ul { list-style: none; padding: 0; margin: 0; }
#docs li { padding: 4px 0; border-bottom: 1px solid var(--line); }
#docs .desc { display: block; color: var(--muted); font-size: 12px; }
#docs a { color: var(--accent); cursor: pointer; text-decoration: none; }
#docs a:hover { text-decoration: underline; }
#docs code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
#search { margin: 0 12px 6px; }
`;
