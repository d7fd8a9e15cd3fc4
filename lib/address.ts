// Copyright 2026, airgap-platform authors.
//
// Network addresses as configured: host names, host:port pairs, e-mail addresses.

/** A host name or IPv4 address (no scheme, no port). */
export const HOST_NAME = /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/;
/** host:port, with named groups `host` and `port`. */
export const HOST_PORT = /^(?<host>[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?):(?<port>\d{1,5})$/;

/** Host part of a host:port string. */
export function hostOf(address: string): string {
    return address.slice(0, address.lastIndexOf(":"));
}

/** Port part of a host:port string. */
export function portOf(address: string): number {
    return Number(address.slice(address.lastIndexOf(":") + 1));
}

/** Domain part of an e-mail address. */
export function emailDomain(email: string): string {
    return email.slice(email.lastIndexOf("@") + 1);
}
