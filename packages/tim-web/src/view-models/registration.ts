import type { RegistrationPolicy } from '@tim/protocol';

/** What the sign-in form offers for the server's registration policy. */
export interface RegistrationForm {
  /** Whether the form offers to create an account at all. */
  canRegister: boolean;
  /** Whether creating an account asks for an invite code. */
  needsInviteCode: boolean;
  /** A sentence explaining the policy, when it limits registration. */
  note: string | undefined;
}

/** The form for a policy; an unknown policy (the server could not say) is treated as open, the server decides. */
export function registrationForm(policy: RegistrationPolicy | undefined): RegistrationForm {
  switch (policy) {
    case 'invite':
      return { canRegister: true, needsInviteCode: true, note: 'This server is invite-only: you need an invite code.' };
    case 'closed':
      return {
        canRegister: false,
        needsInviteCode: false,
        note: 'Registration is closed on this server. Ask an operator for an account.',
      };
    default:
      return { canRegister: true, needsInviteCode: false, note: undefined };
  }
}
