import { useEffect, useState } from 'preact/hooks';
import { etagAfterWrite, segmentsApi, type SegmentInput } from '../api/console-api';
import { href, navigate } from '../router';
import { ConditionsEditor } from '../ui/conditions-editor';
import { Select, TextField } from '../ui/fields';
import { Layout } from '../ui/layout';
import { fieldErrors, Problem } from '../ui/problem';
import { useLoad } from '../ui/use-load';

const EMPTY: SegmentInput = { name: '', match: 'all', conditions: [{ field: 'country', op: 'eq', value: '' }] };

/** Segments with their current size, and a builder for one (new, or the selected one). */
export function SegmentsPage({ selected }: { selected?: string }) {
  const list = useLoad(async () => {
    const segments = await segmentsApi.list();
    const sizes = await Promise.all(segments.map((s) => segmentsApi.size(s.id).catch(() => undefined)));
    return segments.map((s, i) => ({ segment: s, size: sizes[i] }));
  }, []);
  return (
    <Layout
      section="segments"
      title="Segments"
      actions={
        <a class="button" href={href('segments', 'new')}>
          New segment
        </a>
      }
    >
      <Problem error={list.error} />
      <div class="editor">
        <div>
          {list.data?.length === 0 && <p>No segments yet.</p>}
          {list.data && list.data.length > 0 && (
            <table>
              <caption class="visually-hidden">Segments and how many customers are in each</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Conditions</th>
                  <th scope="col">Size</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map(({ segment: s, size }) => (
                  <tr key={s.id} class={s.id === selected ? 'selected' : undefined}>
                    <td>
                      <a href={href('segments', s.id)} aria-current={s.id === selected ? 'true' : undefined}>
                        {s.name}
                      </a>
                      <div class="muted mono">{s.id}</div>
                    </td>
                    <td class="mono">{s.conditions.map((c) => `${c.field} ${c.op}${c.value === undefined ? '' : ` ${JSON.stringify(c.value)}`}`).join(s.match === 'any' ? ' or ' : ' and ') || 'everyone'}</td>
                    <td>{size ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        {selected && <SegmentBuilder key={selected} id={selected === 'new' ? undefined : selected} onSaved={list.reload} />}
      </div>
    </Layout>
  );
}

function SegmentBuilder({ id, onSaved }: { id?: string; onSaved: () => void }) {
  const loaded = useLoad(async () => (id ? segmentsApi.get(id) : undefined), [id]);
  const [draft, setDraft] = useState<SegmentInput>(EMPTY);
  const [newId, setNewId] = useState('');
  const [etag, setEtag] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [size, setSize] = useState<number>();
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    if (!loaded.data) return;
    const { name, match, conditions } = loaded.data.data;
    setDraft({ name, match: match ?? 'all', conditions: conditions ?? [] });
    setEtag(loaded.data.etag);
  }, [loaded.data]);

  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setNotice(undefined);
    try {
      if (!id) {
        const created = await segmentsApi.create({ ...draft, ...(newId ? { id: newId } : {}) });
        onSaved();
        navigate('segments', created.id);
        return;
      }
      const saved = await segmentsApi.replace(id, draft, etag);
      setEtag(await etagAfterWrite(saved, Boolean(etag), () => segmentsApi.get(id)));
      setNotice('Saved. The segmenter re-evaluates every profile; the size follows.');
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const countNow = async () => {
    setError(undefined);
    try {
      setSize(await segmentsApi.size(id!));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <form class="panel stack" onSubmit={save} aria-labelledby="segment-heading">
      <h2 id="segment-heading">{id ? `Segment ${draft.name || id}` : 'New segment'}</h2>
      {!id && <TextField label="Id (optional)" name="id" value={newId} onInput={setNewId} errors={fieldErrors(error, '$.id')} />}
      <TextField label="Segment name" name="name" value={draft.name} onInput={(name) => setDraft({ ...draft, name })} errors={fieldErrors(error, '$.name')} />
      <Select label="Customers who match" name="match" value={draft.match} options={[['all', 'all of the conditions'], ['any', 'any of the conditions']] as const} onChange={(match) => setDraft({ ...draft, match })} />
      <ConditionsEditor legend="Profile conditions" conditions={draft.conditions} onChange={(conditions) => setDraft({ ...draft, conditions })} errors={fieldErrors(error, '$.conditions')} />
      <div aria-live="polite">
        {notice && <p class="notice">{notice}</p>}
        {size !== undefined && (
          <p>
            <strong>{size}</strong> customer{size === 1 ? '' : 's'} in this segment now.
          </p>
        )}
      </div>
      <Problem error={error} />
      <div class="actions">
        <button type="submit">{id ? 'Save segment' : 'Create segment'}</button>
        {id && (
          <button type="button" class="secondary" onClick={countNow}>
            Count customers
          </button>
        )}
      </div>
    </form>
  );
}
