import { useEffect, useRef, useState } from 'preact/hooks';
import type { DashboardState, QueueView } from '../src/dashboard/api.js';
import { command } from './client.js';
import { count, queueKey } from './format.js';

export type Notify = (text: string, kind?: 'ok' | 'error') => void;

interface Props {
  state: DashboardState;
  selected: string | undefined;
  onSelect: (key: string) => void;
  notify: Notify;
}

/** The queues: counts, FIFO and dead-letter relations, and per-queue actions. */
export function QueueTable({ state, selected, onSelect, notify }: Props) {
  if (state.queues.length === 0) {
    return (
      <p class="empty">
        No queues yet. Create one with any AWS client pointed at <code>{location.origin}</code>, e.g.{' '}
        <code>aws --endpoint-url {location.origin} sqs create-queue --queue-name orders</code>.
      </p>
    );
  }
  const regions = new Set(state.queues.map((q) => q.region));
  return (
    <div class="table-wrap">
      <table class="queues">
        <caption class="visually-hidden">Queues and their message counts</caption>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col" class="num">
              Visible
            </th>
            <th scope="col" class="num">
              In flight
            </th>
            <th scope="col" class="num">
              Delayed
            </th>
            <th scope="col">Dead-letter</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {state.queues.map((q) => (
            <QueueRow
              key={queueKey(q)}
              queue={q}
              showRegion={regions.size > 1}
              redrive={state.redrive}
              selected={selected === queueKey(q)}
              onSelect={onSelect}
              notify={notify}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QueueRow({
  queue: q,
  showRegion,
  redrive,
  selected,
  onSelect,
  notify,
}: {
  queue: QueueView;
  showRegion: boolean;
  redrive: boolean;
  selected: boolean;
  onSelect: (key: string) => void;
  notify: Notify;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);
  const total = q.visible + q.inFlight + q.delayed;
  const task = q.moveTask;
  const moving = task?.status === 'RUNNING' || task?.status === 'CANCELLING';

  const run = async (name: 'purge' | 'redrive', done: string) => {
    setBusy(true);
    try {
      await command(name, { region: q.region, queue: q.name });
      notify(done);
    } catch (error) {
      notify(`${q.name}: ${(error as Error).message}`, 'error');
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <tr class={selected ? 'selected' : undefined} data-queue={q.name}>
      <th scope="row">
        <button
          type="button"
          class="link"
          aria-pressed={selected}
          aria-label={`Browse ${q.name}`}
          onClick={() => onSelect(queueKey(q))}
        >
          {q.name}
        </button>
        {showRegion && <span class="badge">{q.region}</span>}
        {q.fifo && (
          <span class="badge fifo" title="FIFO queue: ordered within each message group, deduplicated">
            FIFO
          </span>
        )}
        {q.deadLetterSources.length > 0 && (
          <span class="badge dlq" title="Dead-letter queue">
            DLQ
          </span>
        )}
      </th>
      <td class="num" data-count="visible">
        {count(q.visible)}
      </td>
      <td class="num" data-count="inFlight">
        {count(q.inFlight)}
      </td>
      <td class="num" data-count="delayed">
        {count(q.delayed)}
      </td>
      <td class="relation">
        {q.deadLetterTarget && (
          <span
            title={`After ${q.deadLetterTarget.maxReceiveCount} receives, messages move to ${q.deadLetterTarget.name}`}
          >
            → {q.deadLetterTarget.name} <span class="muted">after {q.deadLetterTarget.maxReceiveCount}</span>
          </span>
        )}
        {q.deadLetterSources.length > 0 && <span class="rel">← {q.deadLetterSources.join(', ')}</span>}
        {task && (
          <span class="progress" role="status" data-task={task.status}>
            <progress
              max={Math.max(task.toMove, 1)}
              value={task.moved}
              aria-label={`Redrive of ${q.name}: ${task.moved} of ${task.toMove} moved`}
            />
            <span>
              {task.status === 'COMPLETED'
                ? `redrove ${count(task.moved)}`
                : task.status === 'FAILED'
                  ? `redrive failed: ${task.failureReason ?? ''}`
                  : `${task.status.toLowerCase()} ${count(task.moved)}/${count(task.toMove)}`}
            </span>
          </span>
        )}
      </td>
      <td class="actions">
        {q.deadLetterSources.length > 0 && (
          <button
            type="button"
            disabled={!redrive || busy || moving || total === 0}
            title={
              !redrive
                ? 'Redrive needs StartMessageMoveTask, which this broker does not implement yet'
                : `Move the messages of ${q.name} back to ${q.deadLetterSources.join(', ')}`
            }
            aria-label={`Redrive ${q.name}`}
            onClick={() => run('redrive', `Redrive of ${q.name} started`)}
          >
            Redrive
          </button>
        )}
        {confirming ? (
          <fieldset class="confirm">
            <legend class="visually-hidden">Confirm the purge of {q.name}</legend>
            <button
              type="button"
              class="danger"
              disabled={busy}
              ref={confirmButton}
              onClick={() => run('purge', `Purged ${q.name}`)}
            >
              Purge {count(total)}?
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </fieldset>
        ) : (
          <button
            type="button"
            aria-label={`Purge ${q.name}`}
            disabled={total === 0}
            onClick={() => setConfirming(true)}
          >
            Purge
          </button>
        )}
      </td>
    </tr>
  );
}
