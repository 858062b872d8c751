/** The token is not acceptable (bad signature, expired, wrong issuer or audience...): 401. */
export class TokenRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRejected';
  }
}

/** The identity provider's keys could not be had, so no token can be checked now: 503. */
export class IdentityProviderUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'IdentityProviderUnavailable';
  }
}
