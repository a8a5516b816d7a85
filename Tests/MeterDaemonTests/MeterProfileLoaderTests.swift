@testable import Drivers
import Foundation
import Testing
@testable import MeterDaemon

@Suite struct MeterProfileLoaderTests {
    @Test func everyShippedProfileParsesAndCoversTheStandardQuantities() throws {
        let library = ProfileLibrary(directories: [RepositoryPaths.meterProfiles])
        let (profiles, problems) = library.loadAll()
        #expect(problems.isEmpty, "\(problems)")
        #expect(Set(library.names).isSuperset(of: [
            "eastron-sdm630", "eastron-sdm120", "abb-b23", "carlo-gavazzi-em24", "carlo-gavazzi-em340", "janitza-b23",
        ]))
        #expect(profiles.count == library.names.count)
        for profile in profiles {
            let name = profile.name
            let covered = Set(profile.registers.map(\.quantity))
            let missing = profile.standardQuantities.filter { !covered.contains($0) }
            #expect(missing.isEmpty, "\(name) lacks \(missing)")
            #expect(!profile.signature.isEmpty, "\(name) has no signature for probing")
            #expect(!profile.source.isEmpty)
        }
    }

    @Test func theExampleForAUsersOwnMeterIsAValidProfile() throws {
        let profile = try MeterProfileLoader.load(path: RepositoryPaths.profileExample)
        #expect(profile.maxGap == 32)
        #expect(profile.register(for: .exportActiveEnergy)?.dataType == .uint32)
    }

    @Test func sdm630EntriesMatchThePublishedMap() throws {
        let profile = try MeterProfileLoader.load(path: RepositoryPaths.meterProfiles + "/eastron-sdm630.toml")
        let voltage = try #require(profile.register(for: .voltageL1))
        #expect(voltage.function == .input && voltage.address == 0 && voltage.dataType == .float32)
        #expect(profile.register(for: .importActiveEnergy)?.address == 0x48)
        #expect(profile.register(for: .exportActiveEnergyL3)?.address == 0x164)
        let em24 = try MeterProfileLoader.load(path: RepositoryPaths.meterProfiles + "/carlo-gavazzi-em24.toml")
        #expect(em24.register(for: .activePowerTotal)?.wordOrder == .little)
        #expect(em24.register(for: .frequency)?.dataType == .int16)
        let abb = try MeterProfileLoader.load(path: RepositoryPaths.meterProfiles + "/abb-b23.toml")
        #expect(abb.register(for: .importActiveEnergy)?.notAvailable == [.allOnes, .signedMax])
    }

    func problems(_ text: String) -> [ConfigurationProblem] {
        do throws(MeterdError) {
            _ = try MeterProfileLoader.parse(try TOMLSource(path: "broken.toml", text: text), name: "broken")
            return []
        } catch {
            #expect(error.code == .configuration)
            return error.problems
        }
    }

    static let header = """
        [meter]
        manufacturer = "X"
        model = "Y"
        phases = 3
        source = "manual"
        [defaults]
        function = "input"
        type = "float32"
        [quantities]

        """

    @Test func brokenProfilesNameFileLineAndField() {
        let cases: [(String, String)] = [
            ("voltage_l1 = { address = 0, unit = \"kV\" }", "broken.toml:10: quantities.voltage_l1.unit: is \"kV\", must be \"V\" for voltage_l1"),
            ("voltge_l1 = { address = 0, unit = \"V\" }", "broken.toml:10: quantities.voltge_l1: is not a quantity meterd knows (did you mean voltage_l1?)"),
            ("voltage_l1 = { adress = 0, unit = \"V\" }", "broken.toml:10: quantities.voltage_l1.address: is missing"),
            ("voltage_l1 = { address = 70000, unit = \"V\" }", "broken.toml:10: quantities.voltage_l1.address: is 70000, must be between 0 and 65535"),
            ("voltage_l1 = { address = 0, unit = \"V\", type = \"float16\" }", "broken.toml:10: quantities.voltage_l1.type: is \"float16\", must be one of"),
            ("voltage_l1 = { address = 0, unit = \"V\" }\nvoltage_l2 = { address = 1, unit = \"V\" }",
             "broken.toml:11: quantities.voltage_l2: overlaps voltage_l1 (both use input register 1)"),
            ("voltage_l1 = { address = \"0\", unit = \"V\" }", "broken.toml:10: quantities.voltage_l1.address: must be an integer, found a string"),
            ("voltage_l1 = { address = 0, unit = \"V\" }\n[extra]\nx = 1", "broken.toml:11: extra: is not a known key here"),
            ("voltage_l1 = { address = 0, unit = \"V\" ", "broken.toml:10:"),
        ]
        for (body, expected) in cases {
            let found = problems(Self.header + body)
            #expect(found.contains { $0.description.hasPrefix(expected) }, "\(body)\n→ \(found.map(\.description))")
        }
    }

    @Test func aMissingSourceCitationIsRefused() {
        let text = Self.header.replacingOccurrences(of: "source = \"manual\"\n", with: "") + "frequency = { address = 0, unit = \"Hz\" }"
        #expect(problems(text).map(\.description) == ["broken.toml:1: meter.source: is missing (add source = … to [meter])"])
    }
}
