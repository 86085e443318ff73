import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventPrinter, eventsV1Printer } from "./events.js";
import { ago, cellsOf, header, narrowCells } from "./testutil.js";

describe("printers: events", () => {
  it("has upstream's columns: LAST SEEN TYPE REASON OBJECT MESSAGE", () => {
    assert.deepEqual(header(eventPrinter), ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]);
    assert.deepEqual(header(eventPrinter, true), [
      "LAST SEEN",
      "TYPE",
      "REASON",
      "OBJECT",
      "SUBOBJECT",
      "SOURCE",
      "MESSAGE",
      "FIRST SEEN",
      "COUNT",
      "NAME",
    ]);
    assert.equal(eventPrinter.columns[9]!.format, "name");
  });

  // After upstream's TestPrintEvent.
  it("prints an event with first/last timestamps and a count", () => {
    const ev = {
      metadata: { name: "event1", namespace: "default" },
      source: { component: "kubelet", host: "Node1" },
      involvedObject: { kind: "Deployment", name: "Deployment Name", fieldPath: "spec.containers{foo}" },
      reason: "Event Reason",
      message: "Message Data",
      firstTimestamp: ago(3 * 86400),
      lastTimestamp: ago(2 * 86400),
      count: 6,
      type: "Normal",
    };
    assert.deepEqual(cellsOf(eventPrinter, ev), [
      "2d",
      "Normal",
      "Event Reason",
      "deployment/Deployment Name",
      "spec.containers{foo}",
      "kubelet, Node1",
      "Message Data",
      "3d",
      6,
      "event1",
    ]);
  });

  it("falls back to eventTime, reporting controller/instance, and a count of 1", () => {
    const ev = {
      metadata: { name: "event2" },
      involvedObject: { kind: "Pod", name: "p1" },
      reportingComponent: "default-scheduler",
      reportingInstance: "scheduler-1",
      eventTime: "2026-01-01T11:59:55.123456Z",
      reason: "Scheduled",
      message: "  Successfully assigned default/p1 to node-1\n",
      type: "Normal",
    };
    assert.deepEqual(cellsOf(eventPrinter, ev), [
      "4s",
      "Normal",
      "Scheduled",
      "pod/p1",
      "",
      "default-scheduler, scheduler-1",
      "Successfully assigned default/p1 to node-1",
      "4s",
      1,
      "event2",
    ]);
  });

  it("uses the series for last seen and count", () => {
    const ev = {
      metadata: { name: "event3" },
      involvedObject: { kind: "Node" },
      source: { component: "kubelet" },
      eventTime: ago(600),
      series: { count: 12, lastObservedTime: ago(30) },
      reason: "Rebooted",
      message: "Node rebooted",
      type: "Warning",
    };
    assert.deepEqual(cellsOf(eventPrinter, ev), [
      "30s",
      "Warning",
      "Rebooted",
      "node",
      "",
      "kubelet",
      "Node rebooted",
      "10m",
      12,
      "event3",
    ]);
  });

  it("prints <unknown> when an event has no time at all", () => {
    assert.deepEqual(narrowCells(eventPrinter, { metadata: { name: "e" }, involvedObject: {} }), [
      "<unknown>",
      "",
      "",
      "",
      "",
    ]);
  });

  it("prints events.k8s.io/v1 events like core events", () => {
    const ev = {
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "p1.17d", namespace: "default" },
      regarding: { kind: "Pod", name: "p1", namespace: "default", fieldPath: "spec.containers{app}" },
      note: 'Pulling image "busybox"',
      reason: "Pulling",
      type: "Normal",
      reportingController: "kubelet",
      reportingInstance: "node-1",
      eventTime: null,
      deprecatedSource: { component: "kubelet", host: "node-1" },
      deprecatedFirstTimestamp: ago(120),
      deprecatedLastTimestamp: ago(60),
      deprecatedCount: 2,
    };
    assert.deepEqual(header(eventsV1Printer), header(eventPrinter));
    assert.deepEqual(cellsOf(eventsV1Printer, ev), [
      "60s",
      "Normal",
      "Pulling",
      "pod/p1",
      "spec.containers{app}",
      "kubelet, node-1",
      'Pulling image "busybox"',
      "2m",
      2,
      "p1.17d",
    ]);
    const series = {
      metadata: { name: "s" },
      regarding: { kind: "Node", name: "n1" },
      note: "x",
      reportingController: "kubelet",
      eventTime: ago(300),
      series: { count: 5, lastObservedTime: ago(10) },
    };
    assert.deepEqual(narrowCells(eventsV1Printer, series), ["10s", "", "", "node/n1", "x"]);
    assert.deepEqual(cellsOf(eventsV1Printer, series).slice(5, 9), ["kubelet", "x", "5m", 5]);
  });

  it("the events.k8s.io printer also accepts objects stored in the core shape", () => {
    const core = {
      metadata: { name: "c" },
      involvedObject: { kind: "Pod", name: "p" },
      message: "m",
      count: 3,
      lastTimestamp: ago(1),
    };
    assert.deepEqual(cellsOf(eventsV1Printer, core), cellsOf(eventPrinter, core));
  });
});
