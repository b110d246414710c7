export function ProgressMeter({ label, percent }: { label: string; percent: number }) {
  const value = Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div className="progress">
      <div className="progress__label">
        <span id="progress-label">{label}</span>
        <span aria-hidden="true">{value}%</span>
      </div>
      <div
        className="progress__track"
        role="progressbar"
        aria-labelledby="progress-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-valuetext={`${value}%`}
      >
        <div className="progress__bar" style={{ width: `${value}%` }} />
      </div>
    </div>
  );
}
