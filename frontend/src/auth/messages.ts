// Cognito's errors, said so a parent knows what to do next.

import { OFFLINE_MESSAGE } from "../api/errors";

const MESSAGES: Record<string, string> = {
  NotAuthorizedException: "That email and password don't match. Please check them and try again.",
  UserNotFoundException: "We don't know that email address. Please check it, or ask for an account (see below).",
  InvalidPasswordException: "That password isn't strong enough: use at least 8 characters with upper and lower case letters and a number.",
  EmptySignInUsername: "Please enter your email address.",
  EmptySignInPassword: "Please enter your password.",
  EmptyConfirmSignInChallengeResponse: "Please enter a new password.",
  PasswordResetRequiredException: "Your password needs to be reset. Please ask whoever gave you your account.",
  UserNotConfirmedException: "This account isn't ready yet. Please ask whoever gave you your account.",
  TooManyRequestsException: "Too many tries. Please wait a minute and try again.",
  LimitExceededException: "Too many tries. Please wait a minute and try again.",
  NetworkError: OFFLINE_MESSAGE,
};

export function signInMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  if (name in MESSAGES) return MESSAGES[name];
  if (name === "UnsupportedStep" && error instanceof Error) return error.message;
  if (error instanceof TypeError) return OFFLINE_MESSAGE; // fetch could not reach Cognito
  return "We couldn't sign you in just now. Please try again in a moment.";
}
