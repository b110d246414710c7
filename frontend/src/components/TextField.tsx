import type { InputHTMLAttributes } from "react";

interface Props extends Pick<InputHTMLAttributes<HTMLInputElement>, "type" | "autoComplete" | "inputMode" | "required"> {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** How to fill it in, read out with the field. */
  hint?: string;
  /** The hint's element id when it is known by another name (`${id}-hint` otherwise). */
  hintId?: string;
  /** The most characters it takes; the parent sees how many they have used. */
  max?: number;
  /** Lines of a longer text: a text area rather than a single line. */
  rows?: number;
  /** Draws the eye to the field: the one thing the parent is asked to fill in (the page's title keeps the focus, for screen readers). */
  highlighted?: boolean;
}

/** A labelled text box, with its hint and character count tied to it for screen readers. */
export function TextField({ id, label, value, onChange, hint, hintId = `${id}-hint`, max, rows, highlighted = false, ...input }: Props) {
  const countId = `${id}-count`;
  const describedBy = [hint && hintId, max !== undefined && countId].filter(Boolean).join(" ") || undefined;
  const control = {
    id,
    value,
    maxLength: max,
    "aria-describedby": describedBy,
    onChange: (event: { target: { value: string } }) => onChange(event.target.value),
  };
  return (
    <div className={highlighted ? "field field--highlighted" : "field"}>
      <label htmlFor={id}>{label}</label>
      {rows ? <textarea rows={rows} {...control} /> : <input {...input} {...control} />}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {max !== undefined && (
        <p className="hint hint--count" id={countId}>
          {value.length}/{max}
        </p>
      )}
    </div>
  );
}
