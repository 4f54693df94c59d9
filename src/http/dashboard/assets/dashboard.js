// Draws the dashboard's charts with uPlot from the figures the server put in #chart-data.
// The same figures are in tables on the page, so nothing is lost without script.
(function drawCharts() {
  const source = document.getElementById('chart-data');
  if (!source || typeof uPlot === 'undefined') return;
  const data = JSON.parse(source.textContent);
  const money = new Intl.NumberFormat('en-GB', { style: 'currency', currency: data.currency, maximumFractionDigits: 0 });
  const count = new Intl.NumberFormat('en-GB');
  const colours = { checks: '#1d4f91', warned: '#a35200', stops: '#b0002a', value: '#1b6e3a' };

  function width(element) {
    return Math.max(320, element.clientWidth);
  }

  function draw(id, options, series) {
    const element = document.getElementById(id);
    if (!element) return null;
    element.textContent = '';
    return new uPlot({ width: width(element), height: 260, tzDate: asDates, ...options }, series, element);
  }

  // Half a day either side, so the first and last bars are drawn whole.
  const days = { time: true, range: (u, min, max) => [min - 43200, max + 43200] };
  // Each day is its date's midnight in UTC: labelled in UTC, it shows that date whatever the browser's zone.
  const asDates = (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC');
  const axis = (overrides) => ({ stroke: '#333', grid: { stroke: '#e2e2e2' }, ticks: { stroke: '#bbb' }, ...overrides });
  const charts = [];

  charts.push(
    draw(
      'trend-chart',
      {
        scales: { x: days, checks: { range: (u, min, max) => [0, Math.max(1, max)] }, few: { range: (u, min, max) => [0, Math.max(1, max)] } },
        series: [
          {},
          { label: 'Checks', scale: 'checks', stroke: colours.checks, width: 2, value: (u, v) => (v == null ? '–' : count.format(v)) },
          { label: 'Warned', scale: 'few', stroke: colours.warned, width: 2, dash: [8, 4], value: (u, v) => (v == null ? '–' : count.format(v)) },
          { label: 'Stops', scale: 'few', stroke: colours.stops, width: 2.5, points: { show: true, size: 6 }, value: (u, v) => (v == null ? '–' : count.format(v)) },
        ],
        axes: [axis({}), axis({ scale: 'checks', label: 'Checks' }), axis({ scale: 'few', side: 1, label: 'Warned and stops', grid: { show: false } })],
      },
      [data.days, data.checks, data.warned, data.stops],
    ),
  );

  charts.push(
    draw(
      'value-chart',
      {
        scales: { x: days, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
        series: [
          {},
          {
            label: `Value protected (${data.currency})`,
            stroke: colours.value,
            fill: 'rgba(27, 110, 58, 0.35)',
            width: 1,
            paths: uPlot.paths.bars({ size: [0.7, 40] }),
            points: { show: false },
            value: (u, v) => (v == null ? '–' : money.format(v)),
          },
        ],
        axes: [axis({}), axis({ label: data.currency, values: (u, ticks) => ticks.map((t) => money.format(t)), size: 70 })],
      },
      [data.days, data.valueProtected],
    ),
  );

  if (data.holds) {
    const few = (u, v) => (v == null ? '–' : count.format(v));
    charts.push(
      draw(
        'holds-chart',
        {
          scales: { x: days, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
          series: [
            {},
            { label: 'Holds', stroke: colours.checks, width: 2, value: few },
            { label: 'Released', stroke: colours.value, width: 2, dash: [8, 4], value: few },
            { label: 'Refused', stroke: colours.warned, width: 2, value: few },
            { label: 'Expired', stroke: colours.stops, width: 2.5, points: { show: true, size: 6 }, value: few },
          ],
          axes: [axis({}), axis({ label: 'Holds' })],
        },
        [data.holds.days, data.holds.opened, data.holds.released, data.holds.refused, data.holds.expired],
      ),
    );
  }

  let pending = 0;
  window.addEventListener('resize', () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      for (const chart of charts) if (chart) chart.setSize({ width: width(chart.root.parentElement), height: 260 });
    });
  });
})();
