// What the app needs from sign-in, apart from how it is done (Amplify in the app, a fake in tests).

export interface SignedInUser {
  username: string;
}

/** Where a sign-in attempt got to: in, or Cognito asks for a new password first (a new account). */
export type SignInStep = "done" | "new-password";

export interface AuthService {
  currentUser(): Promise<SignedInUser | null>;
  signIn(email: string, password: string): Promise<SignInStep>;
  confirmNewPassword(password: string): Promise<SignInStep>;
  signOut(): Promise<void>;
  accessToken(): Promise<string | null>;
}
