#!/usr/bin/env node
// Placeholder entry until the server lands: says so plainly instead of failing obscurely.
console.log("wxgate: the server is not built yet — `npm test` runs the protocol SDK's tests.");
