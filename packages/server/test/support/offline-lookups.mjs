// Loaded into a CLI child process with NODE_OPTIONS=--import=<this file>: every name lookup
// other than an address literal or localhost is written (one name a line) to the file named by
// OFFLINE_LOOKUP_LOG and refused as a name that does not exist (ENOTFOUND), before any query
// leaves the machine. The test sees which hosts the process tried to reach, and nothing is
// reached. Only name resolution is replaced; sockets, TLS and HTTP stay the process's own.

import dns from "node:dns";
import { appendFileSync } from "node:fs";
import { isIP } from "node:net";

const log = process.env.OFFLINE_LOOKUP_LOG;
if (!log) throw new Error("offline-lookups: OFFLINE_LOOKUP_LOG is not set");
const lookup = dns.lookup;

function refuse(hostname, callback) {
  appendFileSync(log, `${hostname}\n`);
  const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
    code: "ENOTFOUND",
    errno: -3008,
    hostname,
    syscall: "getaddrinfo",
  });
  process.nextTick(callback, error);
}

dns.lookup = function offlineLookup(hostname, options, callback) {
  const done = typeof options === "function" ? options : callback;
  if (hostname === "localhost" || isIP(hostname) !== 0) return lookup.call(dns, hostname, options, callback);
  refuse(hostname, done);
  return {};
};

const promisedLookup = dns.promises.lookup;
dns.promises.lookup = function offlinePromisedLookup(hostname, options) {
  if (hostname === "localhost" || isIP(hostname) !== 0)
    return promisedLookup.call(dns.promises, hostname, options);
  return new Promise((_resolve, reject) => refuse(hostname, reject));
};
