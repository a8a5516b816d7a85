import Drivers
import FoundationEssentials

/// The Prometheus text exposition of the daemon's status (format 0.0.4).
extension StatusBoard {
    func prometheusText(now: Date) -> String {
        var lines: [String] = []
        func family(_ name: String, _ type: String, _ help: String) {
            lines.append("# HELP meterd_\(name) \(help)")
            lines.append("# TYPE meterd_\(name) \(type)")
        }
        func sample(_ name: String, _ labels: [(String, String)], _ value: Double) {
            let text = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
            lines.append("meterd_\(name)\(text) \(value.plainText)")
        }
        let sorted = meters.sorted { $0.key < $1.key }
        family("readings_total", "counter", "Readings journaled, by meter.")
        for (name, meter) in sorted { sample("readings_total", [("meter", name)], Double(meter.readings)) }
        family("read_errors_total", "counter", "Failed reads, by meter and kind.")
        for (name, meter) in sorted {
            for (kind, count) in meter.errors.sorted(by: { $0.key < $1.key }) { sample("read_errors_total", [("meter", name), ("kind", kind)], Double(count)) }
        }
        family("last_reading_age_seconds", "gauge", "Seconds since the meter's last reading.")
        for (name, meter) in sorted {
            if let at = meter.lastReadingAt { sample("last_reading_age_seconds", [("meter", name)], now.timeIntervalSince(at)) }
        }
        family("active_power_watts", "gauge", "Total active power at the last reading.")
        for (name, meter) in sorted {
            if let power = meter.lastReading?.values[.activePowerTotal] { sample("active_power_watts", [("meter", name)], power) }
        }
        family("import_energy_kilowatt_hours", "gauge", "The cumulative import register at the last reading.")
        for (name, meter) in sorted {
            if let energy = meter.lastReading?.energy[.importActiveEnergy] { sample("import_energy_kilowatt_hours", [("meter", name)], energy.kilowattHours) }
        }
        family("energy_rejected_total", "counter", "Energy register values rejected as spurious (zero or backwards).")
        sample("energy_rejected_total", [], Double(rejectedEnergy))
        family("clock_synchronised", "gauge", "1 when the system clock is synchronised and slots run.")
        sample("clock_synchronised", [], clockSynchronised ? 1 : 0)
        family("journal_records", "gauge", "Sequence number of the journal's newest record.")
        sample("journal_records", [], Double(journalRecords))
        family("journal_bytes", "gauge", "Bytes the journal's segments take on disk.")
        sample("journal_bytes", [], Double(journalBytes))
        family("journal_healthy", "gauge", "0 while the journal cannot write (disk full, budget reached).")
        sample("journal_healthy", [], journalProblem == nil ? 1 : 0)
        family("settlement_register_missing_total", "counter", "Settlement meter readings without the import energy register (absent or not available).")
        sample("settlement_register_missing_total", [], Double(settlementReadingsWithoutRegister))
        family("settlement_register_healthy", "gauge", "0 while the settlement meter's import energy register gives no value.")
        sample("settlement_register_healthy", [], settlementRegisterMissingSince == nil ? 1 : 0)
        family("relay_actuation_failures_total", "counter", "Failed attempts to bring the relay to its commanded or the contract's state.")
        sample("relay_actuation_failures_total", [], Double(relayActuationFailures))
        family("relay_healthy", "gauge", "0 while the relay is not where it was commanded (the failure is retried).")
        sample("relay_healthy", [], relayProblem == nil ? 1 : 0)
        family("slots_closed_waiting", "gauge", "Closed slots not yet submitted on chain.")
        sample("slots_closed_waiting", [], Double(slotsWaiting))
        if let lastClosedSlot {
            family("last_closed_slot", "gauge", "Index of the newest closed slot.")
            sample("last_closed_slot", [], Double(lastClosedSlot))
        }
        family("batches_confirmed_total", "counter", "Batches confirmed on chain since start.")
        sample("batches_confirmed_total", [], Double(batchesConfirmed))
        family("transactions_pending", "gauge", "Transactions sent and not yet confirmed.")
        sample("transactions_pending", [], Double(transactionsPending))
        family("gas_used_today", "gauge", "Gas spent today (UTC).")
        sample("gas_used_today", [], Double(gasToday))
        if let lastConfirmedSlot {
            family("last_confirmed_slot", "gauge", "Index of the newest slot confirmed on chain.")
            sample("last_confirmed_slot", [], Double(lastConfirmedSlot))
        }
        if let bonus {
            family("bonus", "gauge", "The agreement's bonus as last read from the contract.")
            sample("bonus", [], Double(bonus))
        }
        if let credit {
            family("credit", "gauge", "The consumer's discount credit as last read from the contract.")
            sample("credit", [], Double(credit))
        }
        if let contractControlState {
            family("contract_control_state", "gauge", "The contract's disconnect control state: 0 disconnected, 1 connected, 2 ready for reconnection.")
            sample("contract_control_state", [], Double(contractControlState))
        }
        lines += slotGuardMetricLines()
        return lines.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
    }
}
