// Settings every method shares: the data (source and target domains), the training run
// (steps, batch, length, seed, clipping), the learning-rate schedule and the evaluation.
// Each control edits the experiment through `update`, which applies a change only when the
// whole experiment still validates. The target may also be the student's own text (CustomText.tsx).
import { useEffect, useId, useState } from 'react';
import { baseLabel, SHIPPED_BASES } from '../../../experiment/bases';
import { DOMAIN_SETTINGS, settingField, SETTINGS, type ExperimentConfig } from '../../../experiment/config';
import { Term } from '../../glossary/Term';
import { Hint, NumberField, SelectField } from './NumberField';
import { CustomText } from './CustomText';
import type { Update } from './update';
import { isSavedBaseName } from '../../../experiment/storage/saved-bases';
import { savedBaseLabel } from '../../../experiment/pretrain/settings';
import { pretrainActions } from '../../store/client';
import { usePretrain } from '../../store/pretrain';

/** The settings table's rows (experiment/config.ts): each field's label and limits. */
const S = SETTINGS;

/**
 * The shipped bases, then those pretrained in this browser (the Pretrain tab); a saved base a link names
 * that this browser does not have stays selected, marked, and the Worker says so at Start.
 */
function BaseSelect({ config, update }: { config: ExperimentConfig; update: Update }) {
  const saved = usePretrain((s) => s.saved);
  useEffect(() => pretrainActions.list(), []);
  const options: Array<readonly [string, string]> = [
    ...SHIPPED_BASES.map((b) => [b, baseLabel(b)] as const),
    ...saved.map((m) => [m.id, savedBaseLabel(m)] as const),
  ];
  const missing = !options.some(([id]) => id === config.base);
  if (missing) options.push([config.base, `${config.base} (not in this browser)`]);
  return (
    <>
      <SelectField label="Base model" value={config.base} options={options} onChange={(base) => update((c) => ({ ...c, base }))} />
      {missing && isSavedBaseName(config.base) && (
        <p className="ll-alert" role="alert" data-testid="missing-base">
          The base “{config.base}” was pretrained in another browser and is not saved in this one: pretrain a base in the Pretrain tab,
          or pick another base.
        </p>
      )}
    </>
  );
}

type Domain = ExperimentConfig['source'];

/** The domain choices offered; a link may hold other English genres, shown as "custom". */
const DOMAINS: Record<string, { text: string; domain: Domain }> = {
  english: { text: 'English (all)', domain: { domain: 'english' } },
  'english:fiction': { text: 'English: fiction', domain: { domain: 'english', genres: ['fiction'] } },
  'english:learned': { text: 'English: learned', domain: { domain: 'english', genres: ['learned'] } },
  code: { text: 'Code (JS)', domain: { domain: 'code' } },
  math: { text: 'Math problems', domain: { domain: 'math' } },
};

function domainKey(d: Domain): string {
  if (d.domain !== 'english') return d.domain;
  const g = d.genres ?? [];
  if (g.length === 0) return 'english';
  if (g.length === 1 && Object.hasOwn(DOMAINS, `english:${g[0]}`)) return `english:${g[0]}`;
  return 'custom';
}

/** The select's key for the student's own text (not 'custom': that one means a link's own English genre list). */
const OWN_TEXT = 'own-text';

function DomainField({ label, which, config, update }: { label: string; which: 'source' | 'target'; config: ExperimentConfig; update: Update }) {
  const target = config[which];
  // Chosen, with no valid text yet: the config keeps its old target until a text is accepted.
  const [pickingOwn, setPickingOwn] = useState(false);
  const own = target.domain === 'custom' || (which === 'target' && pickingOwn);
  const d: Domain = target.domain === 'custom' ? { domain: 'code' } : target;
  const key = own ? OWN_TEXT : domainKey(d);
  const options: Array<readonly [string, string]> = Object.entries(DOMAINS).map(([k, v]) => [k, v.text] as const);
  if (key === 'custom') options.push(['custom', `English: ${(d.genres ?? []).join(', ')}`]);
  if (which === 'target') options.push([OWN_TEXT, 'Your own text…']);
  const checkId = useId();
  return (
    <>
      <SelectField
        label={label}
        value={key}
        options={options}
        onChange={(k) => {
          setPickingOwn(k === OWN_TEXT);
          if (k === 'custom' || k === OWN_TEXT) return;
          const next: Domain = { ...DOMAINS[k].domain };
          if (next.domain === 'math' && d.answerOnly !== undefined) next.answerOnly = d.answerOnly;
          if (next.domain === 'math' && d.level !== undefined) next.level = d.level;
          update((c) => ({ ...c, [which]: next }));
        }}
      />
      {own && <CustomText config={config} update={update} />}
      {!own && d.domain === 'math' && (
        <SelectField
          label={`${DOMAIN_SETTINGS.level.label} (${which})`}
          value={d.level ?? 'easy'}
          options={[['easy', 'Easy: one-digit sums and differences in 3 wordings; held out: one new wording of each trained fact'], ['hard', 'Hard: word problems up to 99; held out: unseen operand combinations']]}
          onChange={(level) => update((c) => ({ ...c, [which]: { ...c[which], level } }))}
        />
      )}
      {!own && d.domain === 'math' && (
        <div className="ll-row">
          <span />
          <label htmlFor={checkId}>
            <input
              id={checkId}
              type="checkbox"
              checked={d.answerOnly ?? false}
              onChange={(e) => update((c) => ({ ...c, [which]: { ...c[which], answerOnly: e.target.checked } }))}
            />
            {DOMAIN_SETTINGS.answerOnly.label} ({which}): score only the answer digits
          </label>
        </div>
      )}
    </>
  );
}

export function SharedSettings({ config, update }: { config: ExperimentConfig; update: Update }) {
  const set = <K extends keyof ExperimentConfig>(key: K) => (v: number) => update((c) => ({ ...c, [key]: v }));
  const setSchedule = (s: Partial<ExperimentConfig['schedule']>) => update((c) => ({ ...c, schedule: { ...c.schedule, ...s } }));
  const setDiversity = (s: Partial<ExperimentConfig['diversity']>) => update((c) => ({ ...c, diversity: { ...c.diversity, ...s } }));
  return (
    <>
      <fieldset>
        <legend>Data</legend>
        <Hint>
          Each base model was pretrained on English; a larger one is slower per step. Each method is
          fine-tuned on the <b>target</b>; forgetting is measured on <Term id="held-out">held-out</Term> <b>source</b> text.
        </Hint>
        <BaseSelect config={config} update={update} />
        <DomainField label="Source (keep)" which="source" config={config} update={update} />
        <DomainField label="Target (learn)" which="target" config={config} update={update} />
      </fieldset>

      <fieldset>
        <legend>Training, shared by all methods</legend>
        <Hint>
          Every method trains on the same batches in the same order (set by the seed), so any
          difference comes from the method. One step sees batch × length bytes.
        </Hint>
        <NumberField {...settingField(S.steps)} value={config.steps} onCommit={set('steps')} />
        <NumberField {...settingField(S.batchSize)} value={config.batchSize} onCommit={set('batchSize')} />
        <NumberField {...settingField(S.seqLen)} value={config.seqLen} onCommit={set('seqLen')} suffix="bytes" />
        <NumberField {...settingField(S.seed)} value={config.seed} onCommit={set('seed')} />
        <NumberField {...settingField(S.maxGradNorm)} value={config.maxGradNorm} onCommit={set('maxGradNorm')} step={0.1} />
        <Hint>Gradient clipping caps the gradient’s norm, so one odd batch cannot wreck the model (the paper uses 1; 0 turns it off).</Hint>
      </fieldset>

      <fieldset>
        <legend>Learning-rate schedule</legend>
        <Hint>
          Warmup ramps each method’s rate up from 0; cosine then lowers it to 10% of the peak by
          the last step, constant keeps it.
        </Hint>
        <SelectField
          label="Schedule"
          value={config.schedule.kind}
          options={[['constant', 'Constant'], ['cosine', 'Cosine decay']]}
          onChange={(kind) => setSchedule({ kind })}
        />
        <NumberField {...settingField(S.warmupSteps)} value={config.schedule.warmupSteps} onCommit={(v) => setSchedule({ warmupSteps: v })} />
      </fieldset>

      <fieldset>
        <legend>Evaluation</legend>
        <Hint><Term id="held-out">Held-out</Term> loss (in <Term id="nats-per-byte">nats/byte</Term>) is measured on text no method trains on. More batches: smoother curves, slower runs.</Hint>
        <NumberField {...settingField(S.evalInterval)} value={config.evalInterval} onCommit={set('evalInterval')} suffix="steps" />
        <NumberField {...settingField(S.evalBatches)} value={config.evalBatches} onCommit={set('evalBatches')} />
        <NumberField {...settingField(S.diversitySamples)} value={config.diversity.samples} onCommit={(samples) => setDiversity({ samples })} />
        <NumberField {...settingField(S.diversityLength)} value={config.diversity.length} onCommit={(length) => setDiversity({ length })} suffix="bytes" />
        <NumberField {...settingField(S.diversityTemperature)} value={config.diversity.temperature} onCommit={(temperature) => setDiversity({ temperature })} step={0.1} />
        <Hint>At every evaluation each method completes one target-domain prompt this many times (0 turns it off), to measure how diverse its outputs stay.</Hint>
      </fieldset>
    </>
  );
}
