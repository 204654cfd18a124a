import XCTest
@testable import EmpirioLabs

private let video: JSONObject = ["model": "seedance-2-0-pro", "prompt": "Rain on a city street", "duration": 8]
private func jobMs(_ ms: Int) -> RequestOptions { RequestOptions(extraHeaders: ["x-mock-job-ms": String(ms)]) }

final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [JobProgress] = []
    func add(_ p: JobProgress) { lock.lock(); items.append(p); lock.unlock() }
    var all: [JobProgress] { lock.lock(); defer { lock.unlock() }; return items }
}

/// Jobs: waits with progress and deadlines, cancelled waits, expiry, inline-or-job answers, agent tasks.
final class JobsTests: XCTestCase {
    let m = Mock.shared

    override func setUp() async throws {
        try await m.reset()
    }

    func testGenerateAndWaitReportsProgress() async throws {
        let c = try m.client()
        let log = ProgressLog()
        let result = try await c.videos.generateAndWait(video, options: jobMs(800), onProgress: { log.add($0) })
        XCTAssertTrue(result["data"]?[0]?["url"]?.string?.hasPrefix("http") ?? false)
        XCTAssertFalse(log.all.isEmpty)
    }

    func testAWaitThatTimesOutLeavesTheJobRunning() async throws {
        let c = try m.client()
        let job = try await c.videos.generate(video, options: jobMs(1500))
        do {
            _ = try await job.wait(timeout: 0.3, pollInterval: 0.1)
            XCTFail("no timeout")
        } catch EmpirioLabsError.jobTimeout(let d) {
            XCTAssertEqual(d.jobId, job.id)
            XCTAssertEqual(d.lastStatus, "processing")
        }
        let state = try await job.refresh()
        XCTAssertEqual(state.status, "processing")
        _ = try await job.wait(timeout: 10, pollInterval: 0.1)
        XCTAssertEqual(job.status, "completed")
    }

    func testCancellingTheWaitingTaskStopsPollingAndLeavesTheJobRunning() async throws {
        let c = try m.client()
        let job = try await c.videos.generate(video, options: jobMs(2000))
        let waiting = Task { try await job.wait(pollInterval: 0.1) }
        try await Task.sleep(nanoseconds: 400_000_000)
        waiting.cancel()
        _ = await waiting.result
        let polls = try await m.requests("/v1/jobs/\(job.id)", method: "GET").count
        try await Task.sleep(nanoseconds: 500_000_000)
        let after = try await m.requests("/v1/jobs/\(job.id)", method: "GET").count
        XCTAssertEqual(polls, after, "no poll after the cancellation")
        let state = try await job.refresh()
        XCTAssertEqual(state.status, "processing")
        _ = try await job.wait(timeout: 10, pollInterval: 0.1)
        XCTAssertEqual(job.status, "completed")
    }

    func testExpiryAndUnknownIds() async throws {
        let c = try m.client()
        let job = try await c.videos.generate(video, options: jobMs(0))
        _ = try await job.wait(pollInterval: 0.1)
        try await Task.sleep(nanoseconds: 2_500_000_000)
        do {
            _ = try await job.refresh()
            XCTFail("no error")
        } catch EmpirioLabsError.jobExpired(let d) {
            XCTAssertEqual(d.status, 404)
        }
        do {
            _ = try await c.jobs.handle("job_typo").refresh()
            XCTFail("no error")
        } catch EmpirioLabsError.notFound(let d) {
            XCTAssertEqual(d.code, "job_not_found")
        }
    }

    func testInlineOrJobAnswersAndAgentTasks() async throws {
        let c = try m.client()
        let img: JSONObject = ["model": "wan2-7-image", "prompt": "A glass cathedral"]
        let pending = try await c.images.generate(img, options: jobMs(300))
        XCTAssertNotNil(pending.job)
        let done = try await pending.result()
        XCTAssertNotNil(done["data"])
        let started = try await c.agents.start(["model": "manus", "input": "memo"], options: RequestOptions(extraHeaders: ["x-mock-max-wait-ms": "0"]))
        let id = started["task_id"]?.string ?? ""
        let task = try await c.agents.wait(id, pollInterval: 0.1)
        XCTAssertEqual(task.status, "completed")
        XCTAssertEqual(task.taskId, id)
    }
}
