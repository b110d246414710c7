const NAMES = ["Photo", "What we saw", "Your choices", "The story", "The video"];

/** Where the parent is in the journey, said once for screen readers and shown as dots. */
export function StepCount({ step }: { step: 1 | 2 | 3 | 4 | 5 }) {
  return (
    <p className="step-count">
      <span className="visually-hidden">
        Step {step} of {NAMES.length}: {NAMES[step - 1]}
      </span>
      <span aria-hidden="true">
        {NAMES.map((name, index) => (
          <span key={name} className={`step-dot${index < step ? " step-dot--done" : ""}`} title={name} />
        ))}
        <span className="step-count__text">
          Step {step} of {NAMES.length}
        </span>
      </span>
    </p>
  );
}
