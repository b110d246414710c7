import type { ReactNode } from "react";
import { Link, Navigate } from "react-router";

import type { RunView } from "../api/types";
import { ErrorNotice } from "../components/ErrorNotice";
import { Loading } from "../components/Loading";
import { canOpen, furthestStep, stepPath, type Step } from "./steps";
import type { RunState } from "./useRun";

interface Props {
  state: RunState;
  step: Step;
  children: (run: RunView) => ReactNode;
}

/** A step of the wizard: the run loaded, or why not with a way on; a step the run hasn't reached sends the parent to the one it has. */
export function RunGate({ state, step, children }: Props) {
  const { run, error, notFound, refresh } = state;
  if (error && (notFound || !run)) {
    return (
      <div className="page">
        <ErrorNotice message={error}>
          {!notFound && (
            <button type="button" className="button button--primary" onClick={refresh}>
              Try again
            </button>
          )}
          <Link className="button" to="/new">
            Start a new storybook
          </Link>
        </ErrorNotice>
      </div>
    );
  }
  if (!run) return <Loading label="Opening your storybook" />;
  if (!canOpen(run, step)) return <Navigate to={stepPath(run.run_id, furthestStep(run))} replace />;
  return (
    <>
      {error && (
        <div className="page page--flush">
          <ErrorNotice message={error}>
            <button type="button" className="button" onClick={refresh}>
              Try again
            </button>
          </ErrorNotice>
        </div>
      )}
      {children(run)}
    </>
  );
}
