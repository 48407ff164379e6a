import { render } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { DashboardState } from '../src/dashboard/api.js';
import { ThroughputChart } from './chart.js';
import { fetchState, subscribe } from './client.js';
import { count, queueKey } from './format.js';
import { QueuePanel } from './queue-panel.js';
import { QueueTable } from './queues.js';
import { Topics } from './topics.js';
import './app.css';

interface Toast {
  id: number;
  text: string;
  kind: 'ok' | 'error';
}

function App() {
  const [state, setState] = useState<DashboardState | undefined>();
  const [live, setLive] = useState(false);
  const [selected, setSelected] = useState<string | undefined>(() => location.hash.slice(1) || undefined);
  const [toast, setToast] = useState<Toast | undefined>();
  const toastId = useRef(0);

  useEffect(() => {
    fetchState().then(setState, () => setLive(false));
    return subscribe(setState, setLive);
  }, []);
  useEffect(() => {
    if (selected) history.replaceState(null, '', `#${selected}`);
  }, [selected]);

  const notify = useCallback((text: string, kind: 'ok' | 'error' = 'ok') => {
    const id = ++toastId.current;
    setToast({ id, text, kind });
    setTimeout(() => setToast((t) => (t?.id === id ? undefined : t)), 6000);
  }, []);

  const queue = state?.queues.find((q) => queueKey(q) === selected);
  const sum = (f: (q: DashboardState['queues'][number]) => number) =>
    state?.queues.reduce((n, q) => n + f(q), 0) ?? 0;
  const stats: Array<[string, number]> = [
    ['Queues', state?.queues.length ?? 0],
    ['Visible', sum((q) => q.visible)],
    ['In flight', sum((q) => q.inFlight)],
    ['Delayed', sum((q) => q.delayed)],
    ['Topics', state?.topics.length ?? 0],
    ['Subscriptions', state?.topics.reduce((n, t) => n + t.subscriptions.length, 0) ?? 0],
  ];

  return (
    <>
      <a class="skip" href="#queues-title">
        Skip to queues
      </a>
      <header class="top">
        <h1>
          sqs-mega <span class="muted">broker</span>
        </h1>
        <p class="endpoint">
          SQS &amp; SNS endpoint <code>{location.origin}</code> · <a href="/metrics">Prometheus metrics</a>
        </p>
        <p class={`live ${live ? 'on' : 'off'}`} role="status">
          <span aria-hidden="true">●</span> {live ? 'Live' : 'Connecting…'}
        </p>
      </header>
      <main>
        {!state ? (
          <p class="loading">Loading…</p>
        ) : (
          <>
            <section class="overview" aria-label="Overview">
              <dl class="stats">
                {stats.map(([label, value]) => (
                  <div key={label}>
                    <dt>{label}</dt>
                    <dd>{count(value)}</dd>
                  </div>
                ))}
              </dl>
              <ThroughputChart samples={state.throughput} now={state.now} />
            </section>
            <section aria-labelledby="queues-title">
              <h2 id="queues-title" tabIndex={-1}>
                Queues
              </h2>
              <QueueTable state={state} selected={selected} onSelect={setSelected} notify={notify} />
            </section>
            {queue && <QueuePanel key={selected} queue={queue} now={state.now} notify={notify} />}
            <section aria-labelledby="topics-title">
              <h2 id="topics-title">Topics</h2>
              <Topics topics={state.topics} now={state.now} />
            </section>
          </>
        )}
      </main>
      <div class="toasts" aria-live="polite" aria-atomic="true">
        {toast && (
          <p class={`toast ${toast.kind}`} role={toast.kind === 'error' ? 'alert' : undefined}>
            {toast.text}
          </p>
        )}
      </div>
    </>
  );
}

const root = document.getElementById('app') as HTMLElement;
root.textContent = '';
render(<App />, root);
