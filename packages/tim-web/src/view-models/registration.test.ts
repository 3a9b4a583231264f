import { registrationForm } from './registration';

describe('registrationForm', () => {
  it('offers plain registration when the policy is open or unknown', () => {
    expect(registrationForm('open')).toEqual({ canRegister: true, needsInviteCode: false, note: undefined });
    expect(registrationForm(undefined)).toEqual({ canRegister: true, needsInviteCode: false, note: undefined });
  });

  it('asks for an invite code when the policy is invite', () => {
    const form = registrationForm('invite');
    expect(form.canRegister).toBe(true);
    expect(form.needsInviteCode).toBe(true);
    expect(form.note).toMatch(/invite/);
  });

  it('hides registration with a sentence when the policy is closed', () => {
    const form = registrationForm('closed');
    expect(form.canRegister).toBe(false);
    expect(form.note).toMatch(/closed/);
  });
});
