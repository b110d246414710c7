import type { ReactNode } from "react";

import type { Choice } from "../api/types";

interface Props<T extends string> {
  legend: string;
  name: string;
  choices: Choice<T>[];
  value: T | undefined;
  recommended?: T;
  onChange: (value: T) => void;
  /** A picture of the choice, part of what is tapped. */
  picture?: (choice: Choice<T>) => ReactNode;
  /** Something beside the choice with its own control (a sample to listen to). */
  aside?: (choice: Choice<T>) => ReactNode;
}

/** One choice among a few, as big tappable cards: a radio group underneath, so keyboards and screen readers know it. */
export function ChoiceCards<T extends string>({ legend, name, choices, value, recommended, onChange, picture, aside }: Props<T>) {
  return (
    <fieldset className="choices">
      <legend className="visually-hidden">{legend}</legend>
      {choices.map((choice) => {
        const id = `${name}-${choice.value}`;
        return (
          <div key={choice.value} className={`choice${value === choice.value ? " choice--selected" : ""}`}>
            <input
              type="radio"
              id={id}
              name={name}
              value={choice.value}
              checked={value === choice.value}
              onChange={() => onChange(choice.value)}
              aria-describedby={choice.description ? `${id}-description` : undefined}
            />
            <label htmlFor={id}>
              {picture?.(choice)}
              <span className="choice__label">
                {choice.label}
                {recommended === choice.value && <span className="badge">Recommended</span>}
              </span>
              {choice.description && (
                <span className="choice__description" id={`${id}-description`}>
                  {choice.description}
                </span>
              )}
            </label>
            {aside?.(choice)}
          </div>
        );
      })}
    </fieldset>
  );
}
