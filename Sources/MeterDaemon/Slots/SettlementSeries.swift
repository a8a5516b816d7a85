import Drivers

/// The settlement meter's readings as the slot series takes them: whether a reading carries the import
/// register (an episode without it starts and ends), whether it breaks the series (the clock is not
/// trusted) and the slot records it gives. A value: the pipeline journals the records and adopts them
/// only once they are written, and says what an episode's start or end means.
struct SettlementSeries: Sendable {
    enum RegisterEpisode: Sendable, Equatable {
        /// The settlement readings come without the import register from this one on.
        case started
        /// The register reads again.
        case ended
    }

    struct Step {
        var episode: RegisterEpisode?
        var records: SlotRecords?
    }

    let meter: String?
    private(set) var aggregator: SlotAggregator?
    private(set) var registerMissing = false

    init(meter: String?, aggregator: SlotAggregator?) {
        self.meter = meter
        self.aggregator = aggregator
    }

    var open: SlotAggregator.OpenSlot? { aggregator?.open }

    /// One admitted reading; another meter's does nothing.
    mutating func step(_ reading: Reading, synchronised: Bool) -> Step {
        guard reading.meter == meter else { return Step() }
        var step = Step()
        let energy = reading.energy[.importActiveEnergy]
        if (energy == nil) != registerMissing {
            registerMissing = energy == nil
            step.episode = registerMissing ? .started : .ended
        }
        if !synchronised {
            aggregator?.breakSeries()
        } else if let energy, let series = aggregator {
            step.records = SlotRecords(reading: reading, milliwattHours: energy.milliwattHours, series: series)
        }
        return step
    }

    /// The records are on their way to disk: the series goes on from them.
    mutating func adopt(_ records: SlotRecords) {
        aggregator = records.aggregator
    }
}
