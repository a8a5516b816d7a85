import FoundationEssentials

/// Turns readings of a cumulative import-energy register into per-slot consumption.
///
/// The register's value at each slot boundary is interpolated linearly between the last reading
/// before the boundary and the first one after it, so missed polls, a meter that was away, or a
/// daemon that was down lose no energy: the slots' consumptions add up to the register's own
/// difference. Watt-hours per slot are differences of the boundary values truncated to whole
/// watt-hours, so no rounding accumulates either. The first slot the aggregator sees start before
/// its first reading cannot be measured and is reported as unmeasured.
///
/// Catching up is bounded: readings further apart than `maximumCatchUp` slots (a daemon away for longer
/// than a period, a slot clock that moved) close no slot each; the slots between are skipped as one range,
/// unmeasured, and the slot of the new reading opens from the boundary value.
struct SlotAggregator: Sendable, Equatable {
    /// What one reading did: the slots it closed, oldest first, and the slots it skipped, if any.
    struct Advance: Sendable, Equatable {
        var closed: [ClosedSlot] = []
        var skipped: Range<Int64>?
    }

    struct ClosedSlot: Sendable, Equatable {
        var index: Int64
        var start: Date
        /// nil when the slot could not be measured.
        var consumptionWattHours: Int64?
        /// The register at the slot's end boundary.
        var endEnergyMilliwattHours: Int64
    }

    private struct Sample: Sendable, Equatable {
        var time: Date
        var milliwattHours: Int64
    }

    let clock: SlotClock
    let maximumCatchUp: Int64
    private var last: Sample?
    /// The register at the start of `openSlot`, when known.
    private var openSlotStartEnergy: Int64?
    private var openSlot: Int64?

    /// The slot the last reading fell in, and the register at its start when known: nil for the first slot
    /// seen after a start or a break, which began before the first reading placed in it.
    struct OpenSlot: Sendable, Equatable {
        var index: Int64
        var startEnergyMilliwattHours: Int64?
    }

    /// The open slot, once a reading (or the journal at a resumption) placed one; nil after a break.
    var open: OpenSlot? {
        openSlot.map { OpenSlot(index: $0, startEnergyMilliwattHours: openSlotStartEnergy) }
    }

    init(clock: SlotClock, maximumCatchUp: Int64) {
        self.clock = clock
        self.maximumCatchUp = maximumCatchUp
    }

    /// Resumes after `slot`, whose end boundary held `endEnergy`, with the last reading journaled.
    init(clock: SlotClock, maximumCatchUp: Int64, resumingAfter slot: Int64, endEnergy: Int64, lastReading: (Date, Int64)?) {
        self.clock = clock
        self.maximumCatchUp = maximumCatchUp
        openSlot = slot + 1
        openSlotStartEnergy = endEnergy
        let boundary = clock.start(of: slot + 1)
        if let (time, energy) = lastReading, time >= boundary {
            last = Sample(time: time, milliwattHours: energy)
        } else {
            last = Sample(time: boundary, milliwattHours: endEnergy)
        }
    }

    /// The clock is no longer trusted: no slot is measured across this point. The slot open now never
    /// closes (it goes on chain unmeasured), and the first trusted reading opens a new series.
    mutating func breakSeries() {
        last = nil
        openSlot = nil
        openSlotStartEnergy = nil
    }

    /// Feeds one reading: the slots it closed, and those it skipped.
    mutating func add(time: Date, milliwattHours: Int64) -> Advance {
        let sample = Sample(time: time, milliwattHours: milliwattHours)
        guard let previous = last, let open = openSlot else {
            last = sample
            let slot = clock.slot(containing: time)
            openSlot = slot
            // A first reading right on the boundary is the slot's start value itself.
            openSlotStartEnergy = clock.start(of: slot) == time ? milliwattHours : nil
            return Advance()
        }
        guard time > previous.time else { return Advance() }
        var advance = Advance()
        var slot = open
        let current = clock.slot(containing: time)
        if current - open > maximumCatchUp {
            advance.skipped = open..<current
            slot = current
            openSlotStartEnergy = Self.interpolate(previous, sample, at: clock.start(of: current))
        }
        while clock.start(of: slot + 1) <= time {
            let boundary = clock.start(of: slot + 1)
            let energy = Self.interpolate(previous, sample, at: boundary)
            let consumption = openSlotStartEnergy.map { energy / 1000 - $0 / 1000 }
            advance.closed.append(ClosedSlot(index: slot, start: clock.start(of: slot), consumptionWattHours: consumption,
                                             endEnergyMilliwattHours: energy))
            openSlotStartEnergy = energy
            slot += 1
        }
        openSlot = slot
        last = sample
        return advance
    }

    /// The register at `time` on the straight line between two readings, in whole mWh.
    private static func interpolate(_ a: Sample, _ b: Sample, at time: Date) -> Int64 {
        let span = b.time.timeIntervalSince(a.time)
        guard span > 0 else { return b.milliwattHours }
        let fraction = time.timeIntervalSince(a.time) / span
        let delta = Double(b.milliwattHours - a.milliwattHours)
        return a.milliwattHours + Int64((delta * fraction).rounded(.down))
    }
}
