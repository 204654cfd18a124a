"""A pickled client on a real Dask cluster: two worker processes call the gateway."""

from __future__ import annotations

from support import run_script, write_script


def test_local_cluster_maps_calls(tmp_path, mock):
    path = write_script(tmp_path, """
        import os
        import empiriolabs as el
        from distributed import Client, LocalCluster

        def ask(client, i):
            r = client.chat.completions.create(model="deepseek-v4-pro", messages=[{"role": "user", "content": f"item {i}"}])
            return i, os.getpid(), r.choices[0].message.content

        if __name__ == "__main__":
            api = el.EmpirioLabs()
            api.models.list()
            with LocalCluster(n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None) as cluster, \\
                    Client(cluster) as dask:
                remote = dask.scatter(api, broadcast=True)
                workers = sorted(dask.scheduler_info()["workers"])
                # Half the inputs pinned to each worker, so both processes unpickle and use the client.
                futures = [dask.submit(ask, remote, i, workers=[workers[i % 2]], pure=False) for i in range(20)]
                results = dask.gather(futures)
            assert [i for i, _, _ in results] == list(range(20))
            for i, _, text in results:
                assert text == f"Hello from the EmpirioLabs mock gateway. You said: item {i}", text
            pids = {p for _, p, _ in results}
            assert os.getpid() not in pids, "the calls ran in the worker processes"
            print(len(results), len(pids), len(workers))
    """)
    proc = run_script(path, mock, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    n, pids, workers = proc.stdout.split()
    assert (n, pids, workers) == ("20", "2", "2")
    said = sorted(e["body"]["messages"][0]["content"] for e in mock.requests("/v1/chat/completions"))
    assert said == sorted(f"item {i}" for i in range(20))
    assert all(e["auth"]["valid"] for e in mock.requests("/v1/chat/completions"))
