import type { ReactNode } from "react";
import { Link, Navigate, useParams } from "react-router";

import type { RunView } from "../api/types";
import { Loading } from "../components/Loading";
import { RetryNotice } from "../components/RetryNotice";
import { canOpen, furthestStep, stepPath, type Step } from "./steps";
import { useRun, type RunState } from "./useRun";

interface Props {
  step: Step;
  children: (run: RunView, state: RunState) => ReactNode;
}

/**
 * A step of the wizard for the run in the URL: the run loaded, or why not with a way on;
 * a step the run hasn't reached sends the parent to the one it has.
 */
export function RunGate({ step, children }: Props) {
  const { runId = "" } = useParams();
  const state = useRun(runId);
  const { run, error, notFound, refresh } = state;
  if (error && (notFound || !run)) {
    return (
      <div className="page">
        <RetryNotice message={error} onRetry={notFound ? undefined : refresh}>
          <Link className="button" to="/new">
            Start a new storybook
          </Link>
        </RetryNotice>
      </div>
    );
  }
  if (!run) return <Loading label="Opening your storybook" />;
  if (!canOpen(run, step)) return <Navigate to={stepPath(run.run_id, furthestStep(run))} replace />;
  return (
    <>
      {error && (
        <div className="page page--flush">
          <RetryNotice message={error} onRetry={refresh} primary={false} />
        </div>
      )}
      {children(run, state)}
    </>
  );
}
