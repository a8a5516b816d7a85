/// Why meterd could not do what it was asked: what failed (`code`, by area), the configuration
/// problems when the configuration is what failed (`problems`), and a `message` that names the fix.
///
/// The one error type of the MeterDaemon module (after swift-service-lifecycle's `ServiceGroupError`,
/// as `DriverError` is the Drivers module's): callers switch on `code` or ask the classifications
/// below, and show `description` to a field engineer as it is. The static factories beside each area
/// (MeterdError+Journal, +Key, +Relay, +Start, +MeterSetup, +Configuration, +UnitIDs) keep throw sites short.
public struct MeterdError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed, by the area that failed.
    public enum Code: Sendable, Equatable {
        case journal(JournalCode)
        case key(KeyCode)
        case relay(RelayCode)
        case start(StartCode)
        case meterSetup(MeterSetupCode)
        /// meterd.toml or a meter profile: every problem is in `problems`.
        case configuration
        /// A list of Modbus unit ids (`1-247`, `1,2,10-20`) that does not parse.
        case unitIDs
        /// The metrics listener could not be set up.
        case metrics
    }

    /// What can go wrong in the journal: refused writes and reads, and damage found decoding it.
    public enum JournalCode: Sendable, Equatable {
        /// A system call on a journal file or directory failed.
        case io(path: String, errno: Int32)
        /// fsync failed: what is on disk is unknown, so the journal accepts nothing more until reopened.
        case stopped(errno: Int32)
        case diskBudgetExceeded
        case closed
        case invalidEntry
        case notAJournal
        /// Another process has the journal open for writing.
        case locked
        /// The device key is not the key that signs the journal (and no key rotation hands it over).
        case wrongKey(signer: String, key: String)
        /// A segment that cannot be followed past a damaged record.
        case damaged
        // Decoding: never leaves the journal, which reports it as damage found in a segment.
        case truncated
        case overlongVarint
        case invalidUTF8
        case unknownRecordKind
        case unknownQuantity
        case malformedPayload
        case trailingBytes
        case segmentHeaderTooShort
        case notASegment
        case unsupportedSegmentVersion
        case segmentHeaderChecksum
        case badFirstSequence
    }

    /// Why the device key file cannot be used.
    public enum KeyCode: Sendable, Equatable {
        case missing
        case alreadyExists
        case readableByOthers
        case wrongOwner
        case notARegularFile
        case malformed
        case io
        /// Rotation must run as the key file's owner.
        case notTheOwner
        /// Rotation to the key already in the file.
        case sameKey
    }

    /// Why `meterd relay …` did not act.
    public enum RelayCode: Sendable, Equatable {
        /// The state machine or the safety rules forbid it now.
        case refused
        /// Another process (normally `meterd run`) holds the line.
        case lineHeld
        /// Anything else: configuration, key, journal, GPIO.
        case failed
        /// The request directory cannot be written or listed.
        case requestSpool
    }

    /// Why `meterd run` stops before it runs.
    public enum StartCode: Sendable, Equatable {
        /// The device key cannot be loaded, or it does not sign the journal.
        case key
        /// The chain could not be set up.
        case chain
        /// The agreement does not exist in the contract.
        case noAgreement
        /// The agreement names another device key.
        case wrongDevice
        /// No node answered for the agreement's terms and none are cached.
        case noTerms
        /// No cached copy of what the agreement says (the end of a `noTerms` sentence).
        case noCachedCopy
        case stateDirectory
        case meters
        case relay
        case guardOutput
    }

    /// Why the configured buses and meters could not be opened.
    public enum MeterSetupCode: Sendable, Equatable {
        case notAnI2CBus
        case notAModbusBus
        /// The bus's device or endpoint could not be opened.
        case bus
    }

    let code: Code
    /// What is wrong with the configuration, each with its file, line, key and fix (`.configuration`
    /// only; empty otherwise).
    public let problems: [ConfigurationProblem]
    /// What happened and what to do about it.
    let message: String

    init(_ code: Code, _ message: String, problems: [ConfigurationProblem] = []) {
        self.code = code
        self.message = message
        self.problems = problems
    }

    public var description: String { message }

    /// The sysexits(3) status a command ends with: 3 for a relay order refused (by the rules or
    /// because another process holds the line), 78 (EX_CONFIG) for a configuration, 1 otherwise.
    public var exitStatus: Int32 {
        switch code {
        case .relay(.refused), .relay(.lineHeld): 3
        case .configuration: 78
        default: 1
        }
    }

    /// The start cannot go on (the chain answered and its answer stops it, or something the daemon
    /// needs cannot be set up): no retry, `meterd run` ends with `exitStatus`.
    public var isStartFailure: Bool {
        if case .start = code { return true }
        return false
    }

    /// A journal segment that cannot be read past a damaged record (or a record that does not decode).
    var isJournalDamage: Bool {
        guard case .journal(let journal) = code else { return false }
        switch journal {
        case .io, .stopped, .diskBudgetExceeded, .closed, .invalidEntry, .notAJournal, .locked, .wrongKey: return false
        case .damaged, .truncated, .overlongVarint, .invalidUTF8, .unknownRecordKind, .unknownQuantity, .malformedPayload, .trailingBytes,
             .segmentHeaderTooShort, .notASegment, .unsupportedSegmentVersion, .segmentHeaderChecksum, .badFirstSequence: return true
        }
    }

    /// The journal refused a write (or could not be opened, read or locked): records wait until it takes writes again.
    var isJournalRefusal: Bool {
        guard case .journal = code else { return false }
        return !isJournalDamage
    }

    /// What a payload's own decoding says is wrong with it (not a field cut short, which it calls malformed).
    var isPayloadFailure: Bool {
        switch code {
        case .journal(.unknownRecordKind), .journal(.unknownQuantity), .journal(.malformedPayload), .journal(.trailingBytes): true
        default: false
        }
    }
}
