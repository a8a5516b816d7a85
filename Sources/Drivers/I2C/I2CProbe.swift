/// What answers at one address of an I2C bus.
public struct I2CProbeResult: Sendable, Equatable, CustomStringConvertible {
    public enum Device: Sendable, Equatable {
        case ade7953(siliconVersion: UInt8)
        case ina228(revision: UInt8)
        /// Something acknowledges, but not a chip meterd reads (or not at an address it can use).
        case unknown
        /// A kernel driver owns the address (i2cdetect's "UU"); it was not touched.
        case claimedByKernelDriver
    }

    public let address: UInt8
    let device: Device

    init(address: UInt8, device: Device) {
        self.address = address
        self.device = device
    }

    public var description: String {
        let what: String
        switch device {
        case .ade7953(let version): what = "Analog Devices ADE7953 (silicon version \(version))"
        case .ina228(let revision): what = "TI INA228 (revision \(revision))"
        case .unknown: what = "unknown device"
        case .claimedByKernelDriver: what = "in use by a kernel driver"
        }
        return "\(I2CAddressFormat.hex(address)): \(what)"
    }
}

/// How far a scan has got: called once per address, after that address was probed.
public struct I2CProbeProgress: Sendable, Equatable {
    public let address: UInt8
    /// Addresses probed so far, this one included.
    public let scanned: Int
    public let total: Int
}

/// Lists what answers on a bus and which supported chip each answer is.
///
/// Presence is asked with `I2CBus.answers(address:)`, which on Linux picks the safe probe per address
/// as i2cdetect does. Identification then reads ID registers only where a supported chip can be
/// strapped (ADE7953 at 0x38, INA228 at 0x40-0x4F): reading a register means first writing a pointer,
/// and on an unknown chip such a write can move an EEPROM's address pointer or be taken as a command.
public struct I2CProbe: Sendable {
    /// 0x00-0x02 (general call, CBUS, other bus formats) and 0x78-0x7F (10-bit addressing, reserved)
    /// are never addressed, as with i2cdetect's default range.
    static let addresses: ClosedRange<UInt8> = 0x03...0x77

    let bus: any I2CBus

    public init(bus: any I2CBus) {
        self.bus = bus
    }

    /// Every address that answers, in address order. Stops with the bus's error when the bus itself
    /// fails (timeout, adapter error); a NAK just means nothing is there.
    public func scan(progress: (I2CProbeProgress) -> Void = { _ in }) throws(DriverError) -> [I2CProbeResult] {
        var results: [I2CProbeResult] = []
        for (index, address) in Self.addresses.enumerated() {
            do throws(DriverError) {
                if try bus.answers(address: address) {
                    results.append(I2CProbeResult(address: address, device: identify(address: address)))
                }
            } catch {
                guard error.code == .i2c(.addressInUse) else { throw error }
                results.append(I2CProbeResult(address: address, device: .claimedByKernelDriver))
            }
            progress(I2CProbeProgress(address: address, scanned: index + 1, total: Self.addresses.count))
        }
        return results
    }

    /// Which supported chip answers at `address`, judged by its identification registers.
    func identify(address: UInt8) -> I2CProbeResult.Device {
        if address == ADE7953.address,
           let noLoad = try? ADE7953.read(ADE7953Register.activePowerNoLoad, bus: bus),
           noLoad == ADE7953Constants.activePowerNoLoadDefault,
           let version = try? ADE7953.read(ADE7953Register.version, bus: bus) {
            return .ade7953(siliconVersion: UInt8(truncatingIfNeeded: version))
        }
        if INA228Identity.addresses.contains(address),
           let manufacturer = try? INA228.read(.manufacturerID, bus: bus, address: address),
           let device = try? INA228.read(.deviceID, bus: bus, address: address),
           let revision = INA228Identity.revision(manufacturer: manufacturer, device: device) {
            return .ina228(revision: revision)
        }
        return .unknown
    }
}
