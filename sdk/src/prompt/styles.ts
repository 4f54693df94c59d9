/**
 * High contrast (every text at least 7:1), large type, and answer buttons at least 56 px tall: the
 * colleague reads it at arm's length on a busy Saturday and taps it with a thumb. One column at 320 px.
 */
export const STYLES = `
:host { display: block; font: 1.25rem/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #000; background: #fff; }
* { box-sizing: border-box; }
.panel { border: 4px solid #000; padding: 1rem; max-width: 48rem; }
.action { display: inline-block; margin: 0 0 .5rem; padding: .25rem .75rem; font-weight: 700; color: #fff; background: #1d3f8a; }
.panel[data-action="hold"] .action { background: #7a3b00; }
.panel[data-action="refuse"] .action { background: #a00000; }
.panel[data-action="allow"] .action { background: #00602a; }
h2 { margin: 0 0 .75rem; font-size: 1.75rem; line-height: 1.2; }
h2:focus { outline: none; }
.label { margin: 1rem 0 .25rem; font-size: 1rem; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
.say { margin: 0; padding: .5rem 0 .5rem 1rem; border-left: 6px solid #000; font-size: 1.4rem; }
.question { margin: 0 0 .5rem; font-size: 1.4rem; font-weight: 700; }
.more { margin: .5rem 0 0; font-size: 1rem; }
.answers { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .5rem; }
button { min-height: 56px; min-width: 48px; padding: .5rem .75rem; font: inherit; font-weight: 700; color: #000; background: #fff;
  border: 3px solid #000; border-radius: 4px; cursor: pointer; touch-action: manipulation; text-align: center; }
button:hover { background: #e8e8e8; }
button:focus-visible { outline: 4px solid #000; outline-offset: 2px; background: #ffdd00; }
button:disabled { color: #333; background: #ddd; cursor: progress; }
.next { margin: 0; font-weight: 700; }
ul { margin: 0; padding-left: 1.25rem; }
li + li { margin-top: .25rem; }
.hand-off { padding-left: 1.75rem; }
.hand-off li + li { margin-top: .75rem; }
.hand-off p { margin: 0 0 .35rem; }
.hand-off a { color: #000; font-weight: 700; text-decoration: underline; text-underline-offset: .15em; white-space: nowrap; }
.hand-off a:focus-visible { outline: 4px solid #000; outline-offset: 2px; background: #ffdd00; }
.hand-off button { font-size: 1rem; }
.hand-off button:disabled { color: #000; background: #e8f5e9; border-color: #00602a; cursor: default; }
.status { margin: .75rem 0 0; font-size: 1rem; }
.status:empty { display: none; }
@media (max-width: 360px) { :host { font-size: 1.125rem; } .panel { padding: .75rem; border-width: 3px; } h2 { font-size: 1.5rem; } .answers { grid-template-columns: 1fr; } }
@media (prefers-reduced-motion: no-preference) { button { transition: background-color .1s; } }
`;
