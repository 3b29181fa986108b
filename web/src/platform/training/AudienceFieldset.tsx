import { useId } from 'react';
import { AUDIENCE_LABELS, AUDIENCES, type Audience } from './api.ts';

/** The profiles a guide or a video is for: checkboxes, "Tous les profils" first. */
export function AudienceFieldset({
  value,
  onChange,
  legend = 'Profils visés',
}: {
  value: readonly Audience[];
  onChange: (value: Audience[]) => void;
  legend?: string;
}) {
  const id = useId();
  return (
    <fieldset className="field audience-choice">
      <legend>{legend}</legend>
      <p className="field__hint">« Tous les profils » comprend chacun d’eux, et ceux qui viendront.</p>
      {AUDIENCES.map((audience) => (
        <div className="checkbox" key={audience}>
          <input
            type="checkbox"
            id={`${id}-${audience}`}
            name="audience"
            value={audience}
            checked={value.includes(audience)}
            onChange={(event) =>
              onChange(event.target.checked ? [...value, audience] : value.filter((a) => a !== audience))
            }
          />
          <label htmlFor={`${id}-${audience}`}>{AUDIENCE_LABELS[audience]}</label>
        </div>
      ))}
    </fieldset>
  );
}
