package lima.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import lima.core.Json;
import lima.train.model.TinyModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lima train --engine fsdp}: its flags, --plan, --print-launch and the one-line errors (nothing is launched here). */
class TrainFsdpCommandTest {
  @Test
  void planFor65bGivesGpusNodesAndOffload() {
    String[] r = TrainCommandTest.run("train", "--plan", "--engine", "fsdp", "--model", "65b");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("engine fsdp (PyTorch FSDP2)"), r[1]);
    assertTrue(r[1].contains("cpu offload, act. checkpointing    1 node x 8 GPUs"), r[1]);
    assertTrue(r[1].matches("(?s).*sharded on GPUs, act. checkpointing \\d+ GPUs -> \\d node\\(s\\).*"), r[1]);
  }

  @Test
  void planAsJsonListsTheFourOptions() throws Exception {
    String[] r = TrainCommandTest.run("train", "--plan", "--engine", "fsdp", "--model", "13b", "--json", "--gpu-memory", "40", "--mfu", "0.5");
    assertEquals("0", r[0], r[2]);
    JsonNode j = Json.MAPPER.readTree(r[1]);
    assertEquals(4, j.get("options").size());
    assertEquals(40L << 30, j.get("gpu_bytes").asLong());
    assertEquals(0.5, j.get("mfu").asDouble());
  }

  @Test
  void printLaunchPreparesOutAndStartsNothing(@TempDir Path tmp) throws Exception {
    Path model = tmp.resolve("m");
    TinyModel.write(model, TinyModel.config(64), 3);
    Path data = tmp.resolve("d");
    Path src = tmp.resolve("x.jsonl");
    Files.writeString(src, "{\"conversations\": [\"Hi?\", \"Hello there.\"]}\n{\"conversations\": [\"Why?\", \"Because.\"]}\n");
    assertEquals("0", TrainCommandTest.run("tokenize", src.toString(), "--model", model.toString(), "--out", data.toString(), "--max-len", "64")[0]);
    Path out = tmp.resolve("out");
    String[] r = TrainCommandTest.run("train", "--engine", "fsdp", "--device", "gpu", "--nnodes", "2", "--nproc-per-node", "4", "--master-addr", "gpu-node-0",
        "--python", "/opt/venv/bin/python", "--model", model.toString(), "--data", data.toString(), "--out", out.toString(), "--max-len", "64", "--print-launch");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("--nnodes 2 --nproc-per-node 4 --node-rank 1 --master-addr gpu-node-0 --master-port 29500"), r[1]);
    assertTrue(r[1].contains("/opt/venv/bin/python -m torch.distributed.run"), r[1]);
    JsonNode spec = Json.MAPPER.readTree(out.resolve("run-spec.json").toFile());
    assertEquals("lima-fsdp-run-v1", spec.get("format").asText());
    assertEquals("bf16", spec.path("settings").path("dtype").asText(), "bf16 is the gpu default");
    assertTrue(spec.path("settings").path("activation_checkpointing").asBoolean(), "on by default on gpu");
    assertEquals(8, spec.path("settings").path("world_size").asInt());
    assertTrue(Files.isRegularFile(out.resolve("worker/lima_fsdp/worker.py")));
    assertFalse(Files.exists(out.resolve("logs")), "nothing was started");
  }

  @Test
  void fsdpOnlySettingsNeedTheFsdpEngine() {
    String[] r = TrainCommandTest.run("train", "--plan", "--model", "7b", "--device", "gpu", "--cpu-offload");
    assertEquals("2", r[0]);
    assertEquals("lima train: cpu-offload needs --engine fsdp", r[2].strip());
    r = TrainCommandTest.run("train", "--plan", "--model", "7b", "--engine", "fsdp", "--cpu-offload");
    assertEquals("2", r[0]);
    assertTrue(r[2].startsWith("lima train: cpu-offload needs --device gpu"), r[2]);
    r = TrainCommandTest.run("train", "--plan", "--model", "7b", "--engine", "deepspeed");
    assertEquals("2", r[0]);
    assertTrue(r[2].startsWith("lima train: engine must be djl or fsdp"), r[2]);
    r = TrainCommandTest.run("train", "--model", "7b", "--data", "d", "--out", "o", "--print-launch");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--print-launch needs --engine fsdp"), r[2]);
  }

  @Test
  void activationCheckpointingAloneMeansOn() throws Exception {
    var c = lima.train.fit.TrainConfig.resolve(null, java.util.Map.of("activation-checkpointing", "on", "engine", "fsdp"));
    assertTrue(c.activationCheckpointing());
    assertFalse(lima.train.fit.TrainConfig.of("engine", "fsdp").activationCheckpointing(), "auto is off on cpu");
    assertEquals("fp32", lima.train.fit.TrainConfig.of("engine", "fsdp").dtype());
  }
}
