// The status page: polls /status.json every second and draws one uPlot chart per group.
// The JSON holds counters as totals since the node started; rates and ratios come from two readings.
'use strict';
(function () {
  const POINTS = 300;
  const PERIOD_MS = 1000;
  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];
  // The admin token, if the node has one, comes in the fragment (/status#token=...), which browsers never send to a server.
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  const state = document.getElementById('state');
  const times = [];
  let previous = null;

  /** What the browser test and a curious operator can read: the uPlot instances and how many polls worked. */
  const exposed = { polls: 0, failures: 0, charts: {} };
  window.dynaccelStatus = exposed;

  const delta = (now, before) => (now == null ? null : now - (before == null ? 0 : before));
  const rate = (now, before, seconds) => {
    const d = delta(now, before);
    return d == null || seconds <= 0 ? null : d / seconds;
  };
  const ratio = (now, before) => {
    const hits = delta(now.hits, before.hits) || 0;
    const misses = delta(now.misses, before.misses) || 0;
    return hits + misses > 0 ? (100 * hits) / (hits + misses) : null;
  };

  const specs = [
    {
      id: 'hitRatio', title: 'Hit ratio (%)', fixedRange: [0, 100],
      values: (now, before) => ({
        item: ratio(now.hits.item, before.hits.item),
        query: ratio(now.hits.query, before.hits.query),
        scan: ratio(now.hits.scan, before.hits.scan),
      }),
    },
    {
      id: 'requests', title: 'Requests/s by operation',
      values: (now, before, seconds) => {
        const values = {};
        for (const [operation, timing] of Object.entries(now.operations)) {
          values[operation] = rate(timing.count, (before.operations[operation] || {}).count, seconds);
        }
        return values;
      },
    },
    {
      id: 'latency', title: 'Latency (ms): p50/p99, or the mean where no percentiles are published',
      values: (now, before) => {
        const values = {};
        for (const [operation, timing] of Object.entries(now.operations)) {
          const earlier = before.operations[operation] || {};
          latency(values, operation, timing.p50, timing.p99, timing.count, timing.totalMs, earlier.count, earlier.totalMs);
          if (timing.upstreamCount != null) {
            latency(values, operation + ' upstream', timing.upstreamP50, timing.upstreamP99, timing.upstreamCount,
              timing.upstreamTotalMs, earlier.upstreamCount, earlier.upstreamTotalMs);
          }
        }
        return values;
      },
    },
    {
      id: 'cache', title: 'Cache size: bytes (left), entries (right)',
      scaleOf: (key) => (key.endsWith('entries') ? 'entries' : 'bytes'),
      values: (now) => ({
        'item bytes': now.cache.itemBytes,
        'query bytes': now.cache.queryBytes,
        'item entries': now.cache.itemEntries,
        'query entries': now.cache.queryEntries,
      }),
    },
    {
      id: 'evictions', title: 'Evictions and invalidations /s',
      values: (now, before, seconds) => ({
        'item evictions': rate(now.cache.itemEvictions, before.cache.itemEvictions, seconds),
        'query evictions': rate(now.cache.queryEvictions, before.cache.queryEvictions, seconds),
        'query invalidations': rate(now.cache.queryInvalidations, before.cache.queryInvalidations, seconds),
        'fill rejections': rate(now.cache.fillRejections, before.cache.fillRejections, seconds),
      }),
    },
    {
      id: 'outcomes', title: 'Errors (4xx), faults (5xx), throttles /s',
      values: (now, before, seconds) => ({
        errors: rate(now.outcomes.errors, before.outcomes.errors, seconds),
        faults: rate(now.outcomes.faults, before.outcomes.faults, seconds),
        throttles: rate(now.outcomes.throttles, before.outcomes.throttles, seconds),
      }),
    },
    {
      id: 'writeBack', title: 'Write-back: dirty items (left), flush lag in s (right)',
      absent: 'Write-back is not in use on this node.',
      present: (now) => now.writeBack != null,
      scaleOf: (key) => (key.startsWith('flush lag') ? 'seconds' : 'items'),
      values: (now) => ({
        'dirty items': now.writeBack.dirtyItems,
        'flush lag (oldest unflushed, s)': now.writeBack.oldestUnflushedSeconds,
      }),
    },
  ];

  function latency(values, name, p50, p99, count, totalMs, countBefore, totalBefore) {
    if (p50 != null || p99 != null) {
      values[name + ' p50'] = p50;
      values[name + ' p99'] = p99;
      return;
    }
    const calls = delta(count, countBefore);
    const millis = delta(totalMs, totalBefore);
    values[name + ' mean'] = calls > 0 && millis != null ? millis / calls : null;
  }

  const charts = specs.map((spec) => ({ spec, keys: [], series: {}, plot: null, element: document.getElementById('chart-' + spec.id) }));

  function formatted(value, scale) {
    if (value == null) {
      return '–';
    }
    if (scale === 'bytes') {
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      let unit = 0;
      while (Math.abs(value) >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
      }
      return value.toFixed(unit === 0 ? 0 : 1) + ' ' + units[unit];
    }
    return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
  }

  function build(chart) {
    if (chart.plot) {
      chart.plot.destroy();
    }
    chart.element.textContent = '';
    const scaleOf = chart.spec.scaleOf || (() => 'y');
    const scales = { x: { time: true } };
    const axes = [{}];
    for (const key of chart.keys) {
      const scale = scaleOf(key);
      if (scales[scale]) {
        continue;
      }
      // Every figure here is zero or more; a flat or empty series still gets a range to draw in.
      scales[scale] = { range: chart.spec.fixedRange ? () => chart.spec.fixedRange : (u, min, max) => [0, max == null || max <= 0 ? 1 : max * 1.1] };
      const first = axes.length === 1;
      axes.push({ scale, side: first ? 3 : 1, grid: { show: first }, size: scale === 'bytes' ? 80 : 60, values: (u, splits) => splits.map((v) => formatted(v, scale)) });
    }
    const options = {
      title: chart.spec.title,
      width: Math.max(300, chart.element.clientWidth - 12),
      height: 220,
      scales,
      axes,
      legend: { live: true },
      series: [{}].concat(chart.keys.map((key, i) => ({
        label: key, scale: scaleOf(key), stroke: COLORS[i % COLORS.length], width: 1.5,
        value: (u, v) => formatted(v, scaleOf(key)),
      }))),
    };
    chart.plot = new uPlot(options, data(chart), chart.element);
    exposed.charts[chart.spec.id] = chart.plot;
  }

  const data = (chart) => [times.slice()].concat(chart.keys.map((key) => chart.series[key].slice()));

  function absent(chart) {
    if (chart.plot) {
      chart.plot.destroy();
      chart.plot = null;
      delete exposed.charts[chart.spec.id];
    }
    if (!chart.element.querySelector('.absent')) {
      chart.element.innerHTML = '';
      const note = document.createElement('div');
      note.className = 'absent';
      note.textContent = chart.spec.title + ': ' + chart.spec.absent;
      chart.element.appendChild(note);
    }
  }

  function record(now) {
    const seconds = (now.time - previous.time) / 1000;
    times.push(now.time / 1000);
    const changed = [];
    for (const chart of charts) {
      if (chart.spec.present && !chart.spec.present(now)) {
        chart.keys.forEach((key) => chart.series[key].push(null));
        continue;
      }
      const values = chart.spec.values(now, previous, seconds);
      let grown = !chart.plot;
      for (const key of Object.keys(values)) {
        if (!chart.series[key]) {
          chart.series[key] = new Array(times.length - 1).fill(null);
          chart.keys.push(key);
          grown = true;
        }
      }
      for (const key of chart.keys) {
        chart.series[key].push(values[key] == null ? null : values[key]);
      }
      changed.push({ chart, grown });
    }
    // Keep the last POINTS readings: every series shifts with the time axis, so they stay aligned.
    if (times.length > POINTS) {
      times.shift();
      charts.forEach((chart) => chart.keys.forEach((key) => chart.series[key].shift()));
    }
    for (const chart of charts) {
      const entry = changed.find((c) => c.chart === chart);
      if (!entry) {
        absent(chart);
      } else if (entry.grown) {
        build(chart);
      } else {
        chart.plot.setData(data(chart));
      }
    }
  }

  function members(cluster) {
    document.getElementById('cluster-summary').textContent = cluster.clustered
      ? 'Clustered; this node is ' + cluster.memberId + '; ' + (cluster.quorum ? 'quorum held' : 'NO QUORUM') + '; '
        + cluster.partitions + ' partitions.'
      : 'This node runs alone and serves all ' + cluster.partitions + ' partitions.';
    const body = document.querySelector('#members tbody');
    body.textContent = '';
    for (const member of cluster.members) {
      const row = body.insertRow();
      row.insertCell().textContent = member.id + (member.id === cluster.memberId ? ' (this node)' : '');
      row.insertCell().textContent = member.endpoint || '';
      row.insertCell().textContent = member.ownedPartitions;
    }
  }

  let configShown = false;

  async function poll() {
    try {
      const response = await fetch('/status.json', { cache: 'no-store', headers: token ? { Authorization: 'Bearer ' + token } : {} });
      if (!response.ok) {
        throw new Error('/status.json answered ' + response.status
          + (response.status === 401 ? ': open this page as /status#token=<admin token>' : ''));
      }
      const now = await response.json();
      if (previous) {
        record(now);
      }
      previous = now;
      members(now.cluster);
      if (!configShown) {
        document.getElementById('config').textContent = JSON.stringify(now.config, null, 2);
        configShown = true;
      }
      exposed.polls++;
      state.className = '';
      state.textContent = 'updated ' + new Date(now.time).toLocaleTimeString();
    } catch (e) {
      exposed.failures++;
      state.className = 'failing';
      state.textContent = String(e.message || e);
    } finally {
      setTimeout(poll, PERIOD_MS);
    }
  }

  window.addEventListener('resize', () => charts.forEach((chart) => chart.plot
    && chart.plot.setSize({ width: Math.max(300, chart.element.clientWidth - 12), height: 220 })));
  poll();
})();
