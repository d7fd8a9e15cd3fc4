// Copyright 2026, airgap-platform authors.
//
// A worker thread of parse-pool.ts: parses the batches of documents it is sent.

import { parentPort } from "worker_threads";
import { parseBatch, ParseRequest } from "./parse-pool";

parentPort?.on("message", (request: ParseRequest) => {
    parentPort?.postMessage(parseBatch(request));
});
