// What runs a plugin's guest calls, wherever the instance lives (this thread or workers), and how
// a failed call is classified. The processor applies its failure policy by kind.

import { permanentError, type WasmpipeError } from '@wasmpipe/core';
import type { GuestOutputSource, HostCallHandler } from '../plugin/contract-host.ts';

/**
 * Why a plugin call failed:
 * - `guest_error`: the guest answered with `__guest_error` (its instance stays in use);
 * - `trap`: the guest trapped, exited or its worker died (the instance is replaced);
 * - `timeout`: the call ran past `timeout` (its worker is terminated and replaced);
 * - `invalid_output`: the answer does not decode or breaks the contract;
 * - `unavailable`: no instance could be (re)started, or the runner is closed.
 */
export type FailureKind = 'guest_error' | 'trap' | 'timeout' | 'invalid_output' | 'unavailable';

const FAILURE = Symbol.for('wasmpipe.plugin.failure');

/** An error of a plugin call, carrying its {@link FailureKind}. */
export function pluginFailure(kind: FailureKind, message: string, cause?: unknown): WasmpipeError {
  const error = permanentError(message, cause);
  Object.defineProperty(error, FAILURE, { value: kind });
  return error;
}

/** The kind of a plugin call's failure, or undefined for any other error. */
export function failureKind(error: unknown): FailureKind | undefined {
  return typeof error === 'object' && error !== null
    ? ((error as Record<symbol, FailureKind | undefined>)[FAILURE] ?? undefined)
    : undefined;
}

/** True when an error from a plugin call was a trap (the instance was replaced afterwards). */
export function isPluginTrap(error: unknown): boolean {
  return failureKind(error) === 'trap';
}

/** Why an instance was replaced. */
export type RestartReason = 'trap' | 'timeout';

/** What every runner needs: the host side of the guest's imports, and who hears about restarts. */
export interface RunnerOptions {
  /** Answers the guest's `__host_call`s (in the pipeline's thread, whatever the runner). */
  hostCall: HostCallHandler;
  /** Receives the guest's console and WASI output. */
  output(source: GuestOutputSource, text: string): void;
  /** The WASI clock grant. */
  clock: 'real' | 'zero';
  /** Called each time a fresh instance replaces one that trapped or timed out. */
  onRestart?(reason: RestartReason): void;
}

/** Runs guest calls against one or more instances of one module. */
export interface GuestRunner {
  /** Calls an operation on one instance; rejects with a {@link pluginFailure}. */
  call(operation: string, payload: Uint8Array): Promise<Uint8Array>;
  /** Calls `configure` on every instance and replays it on every instance started later. */
  configure(payload: Uint8Array): Promise<void>;
  /** Stops every instance; calls after this reject as `unavailable`. Idempotent. */
  close(): Promise<void>;
}
