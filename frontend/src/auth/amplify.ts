// Sign-in through Amplify Auth against the Cognito pool the gateway names (locally moto's).

import { Amplify } from "aws-amplify";
import { confirmSignIn, fetchAuthSession, getCurrentUser, signIn, signOut, type SignInOutput } from "aws-amplify/auth";

import type { AuthConfig } from "../api/types";
import type { AuthService, SignInStep } from "./service";

// The gateway says how this pool signs in; SRP, Amplify's default, until it has.
let signInFlow: AuthConfig["sign_in_flow"] = "USER_SRP_AUTH";

export function configureAmplify(config: AuthConfig): void {
  signInFlow = config.sign_in_flow;
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: config.user_pool_id,
        userPoolClientId: config.client_id,
        ...(config.cognito_endpoint ? { userPoolEndpoint: config.cognito_endpoint } : {}),
      },
    },
  });
}

function stepOf(output: SignInOutput): SignInStep {
  switch (output.nextStep.signInStep) {
    case "DONE":
      return "done";
    case "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED":
      return "new-password";
    default:
      // MFA and the like are not set up on NoComelon's pool; say so rather than hang.
      throw Object.assign(new Error("This account needs a sign-in step the app doesn't support yet."), { name: "UnsupportedStep" });
  }
}

export const amplifyAuth: AuthService = {
  async currentUser() {
    try {
      const user = await getCurrentUser();
      return { username: user.signInDetails?.loginId ?? user.username };
    } catch {
      return null;
    }
  },
  async signIn(email, password) {
    return stepOf(await signIn({ username: email.trim(), password, options: { authFlowType: signInFlow } }));
  },
  async confirmNewPassword(password) {
    return stepOf(await confirmSignIn({ challengeResponse: password }));
  },
  async signOut() {
    // Ends the account's sessions everywhere (GlobalSignOut): what a parent wants on a shared or lost phone. It is also
    // what the local Cognito (moto) implements; a device-only sign-out asks for RevokeToken, which moto lacks.
    await signOut({ global: true });
  },
  async accessToken() {
    try {
      const session = await fetchAuthSession();
      return session.tokens?.accessToken?.toString() ?? null;
    } catch {
      return null;
    }
  },
};
