package org.baton.client.js;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17: the browser client's TypeScript declarations compile ({@code tsc --noEmit} in strict mode, over the
 * declarations and a usage file whose {@code @ts-expect-error} lines prove they are precise), and the package a
 * front end installs works: {@code npm pack} makes a tarball that installs offline into an empty project, whose
 * TypeScript compiles against it and whose JavaScript imports the classes. TypeScript comes from npm, pinned by
 * {@code package-lock.json} and installed by {@code scripts/test-deps.sh}.
 */
class TypeScriptTypesTest {
    @TempDir
    Path dir;

    @Test
    void declarations_typeCheck() throws Exception {
        Result tsc = run(Path.of("."), tsc(), "--noEmit", "-p", "tsconfig.json");
        assertThat(tsc.exit()).as("tsc --noEmit:\n" + tsc.output()).isZero();
    }

    @Test
    void packedClient_installsIntoAnEmptyProject_andCompilesAndRuns() throws Exception {
        Result pack = run(Path.of("."), "npm", "pack", "--pack-destination", dir.toString(), "--loglevel=error");
        assertThat(pack.exit()).as(pack.output()).isZero();
        Path tarball;
        try (var files = Files.list(dir)) {
            tarball = files.filter(f -> f.toString().endsWith(".tgz")).findFirst().orElseThrow(() -> new AssertionError("no tarball:\n" + pack.output()));
        }
        Path app = Files.createDirectories(dir.resolve("ehr-front-end"));
        Files.writeString(app.resolve("package.json"), """
                {"name": "ehr-front-end", "private": true, "type": "module", "dependencies": {"@baton/client": "file:%s"}}
                """.formatted(tarball.toAbsolutePath()));
        Result install = run(app, "npm", "install", "--offline", "--no-audit", "--no-fund", "--loglevel=error");
        assertThat(install.exit()).as("npm install of the tarball:\n" + install.output()).isZero();
        assertThat(app.resolve("node_modules/@baton/client/types/protocol.d.ts")).exists();
        assertThat(app.resolve("node_modules/@baton/client/src/test")).as("tests are not packed").doesNotExist();

        Files.writeString(app.resolve("tsconfig.json"), """
                {"compilerOptions": {"module": "nodenext", "moduleResolution": "nodenext", "target": "es2022", "lib": ["es2022", "dom"],
                 "strict": true, "noEmit": true, "types": []}, "include": ["app.ts"]}
                """);
        Files.writeString(app.resolve("app.ts"), """
                import { LockManager, BatonError, type Lease } from "@baton/client";
                import { AutosaveManager } from "@baton/client/autosave-manager";
                import type { ProblemCode } from "@baton/client/protocol";
                const locks = new LockManager({ token: "jwt" });
                locks.on("lock:acquired", (d) => { const fence: number = d.lease.fencingToken; console.log(fence); });
                const autosave = new AutosaveManager({ resourceId: "patient:p-1", locks, getData: () => ({}) });
                export const held: Lease | null = locks.lease("patient:p-1");
                export const code: ProblemCode = "LOCK_HELD";
                export { BatonError, autosave };
                """);
        Result compile = run(app, tsc(), "--noEmit", "-p", "tsconfig.json");
        assertThat(compile.exit()).as("tsc in the consuming project:\n" + compile.output()).isZero();

        Files.writeString(app.resolve("run.mjs"), """
                import { LockManager, BatonError } from "@baton/client";
                import { AutosaveManager } from "@baton/client/autosave-manager";
                const locks = new LockManager({ token: "jwt", baseUrl: "http://localhost:8080", WebSocket: null });
                console.log(typeof locks.acquire, typeof AutosaveManager, new BatonError("X").name);
                """);
        Result node = run(app, "node", "run.mjs");
        assertThat(node.exit()).as(node.output()).isZero();
        assertThat(node.output().trim()).isEqualTo("function function BatonError");
    }

    private static String tsc() {
        Path tsc = Path.of("node_modules/.bin/tsc").toAbsolutePath();
        assertThat(tsc).as("run ./test.sh (or scripts/test-deps.sh) to install TypeScript").exists();
        return tsc.toString();
    }

    record Result(int exit, String output) {
    }

    private static Result run(Path directory, String... command) throws Exception {
        Process process = new ProcessBuilder(List.of(command)).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        return new Result(process.exitValue(), output);
    }
}
