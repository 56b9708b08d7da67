# smime-pickup: few verbs. `make run` and `make test` build first.
PREFIX  ?= /usr/local
DESTDIR ?=
MVN     ?= mvn -B -q
CONF    ?= conf/local.conf

JAR := target/smime-pickup.jar

.PHONY: build run test bench chaos clean

build: $(JAR)

$(JAR): pom.xml $(shell find src/main -type f)
	$(MVN) package -DskipTests

# Runs the daemon in the foreground on conf/local.conf (everything under ./var/), with DEMO keys
# made on first run and the fixture messages dropped into the inbox. Stop it with Ctrl-C.
run: build
	bin/smime-pickup demo-setup --config $(CONF)
	bin/smime-pickup drop --config $(CONF) test-fixtures/realistic/*.eml
	@echo "outputs go to ./var/pmta-pickup; originals to ./var/spool/done and ./var/spool/failed"
	bin/smime-pickup run --config $(CONF) || { s=$$?; [ $$s -eq 143 ] || [ $$s -eq 130 ]; }  # stopped

# Every test, including the end-to-end ones that run the real daemon and check its output with
# openssl cms, gpgsm and NSS cmsutil (install them first: see .ci/run).
# Not quiet: Surefire's "Tests run: N, Failures: 0" summary is what CI reads.
test: build
	mvn -B --no-transfer-progress test

# The daemon against an `openssl cms` loop on the same inputs, side by side (about 3 minutes).
# BENCH_OPTS=-Dbench.workers=N runs the daemons with N workers instead of the default.
# Installs Postfix's smtp-sink (Debian postfix, left unconfigured) for the SMTP figure.
bench: build
	command -v smtp-sink >/dev/null || [ -x /usr/sbin/smtp-sink ] || \
	    (echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections \
	    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null) || \
	    echo "smtp-sink not installed: the SMTP figure is skipped"
	$(MVN) test-compile
	java $(BENCH_OPTS) -cp "target/smime-pickup.jar:target/lib/*:target/test-classes" \
	    org.smimepickup.bench.Benchmark .

# The fault suite at full size: SIGKILL 20 times during 10,000 messages (pickup and SMTP), a
# burst of 5,000 files, two daemons on one spool, the SMTP server down for a minute, the pickup
# filesystem full under load, hostile input, slow writers, secrets. (`make test` runs reduced
# versions.) One "chaos:" line of figures per scenario at the end. Needs root for the tmpfs
# scenarios (skipped otherwise). About 12 minutes on 2 cores.
CHAOS_FIGURES ?= $(CURDIR)/target/chaos-figures.txt

chaos:
	@mkdir -p $(dir $(CHAOS_FIGURES)) && rm -f $(CHAOS_FIGURES)
	CHAOS_FIGURES=$(CHAOS_FIGURES) $(MVN) test -Dchaos.excluded=reduced \
		-Dtest='org.smimepickup.chaos.**' -Dsurefire.failIfNoSpecifiedTests=false; \
		status=$$?; echo "--- chaos figures ---"; cat $(CHAOS_FIGURES); exit $$status

clean:
	rm -rf target var

# --- install / uninstall -------------------------------------------------------------------------
# `make build && sudo make install`: install does not build, so that nothing is compiled as root.
# Paths follow PREFIX; packagers add DESTDIR. The config is installed only when there is none, and
# uninstall keeps it (and the spool), like a package manager's "remove" without "purge".
SYSCONFDIR  ?= /etc
BINDIR      ?= $(PREFIX)/bin
LIBDIR      ?= $(PREFIX)/lib/smime-pickup
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
MANDIR      ?= $(PREFIX)/share/man
JARLIB      ?= $(dir $(JAR))lib

.PHONY: install uninstall

install:
	@test -f $(JAR) || { echo "$(JAR) not found: run 'make build' first" >&2; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/lib $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0644 $(JAR) $(DESTDIR)$(LIBDIR)/smime-pickup.jar
	rm -f $(DESTDIR)$(LIBDIR)/lib/*.jar
	install -m 0644 $(JARLIB)/*.jar $(DESTDIR)$(LIBDIR)/lib/
	install -m 0755 bin/smime-pickup $(DESTDIR)$(BINDIR)/smime-pickup
	sed -e 's|/usr/local/bin/smime-pickup|$(BINDIR)/smime-pickup|' \
		-e 's|/etc/smime-pickup|$(SYSCONFDIR)/smime-pickup|g' systemd/smime-pickup.service \
		> $(DESTDIR)$(UNITDIR)/smime-pickup.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/smime-pickup.service
	install -m 0644 systemd/smime-pickup.sysusers $(DESTDIR)$(SYSUSERSDIR)/smime-pickup.conf
	install -m 0644 systemd/smime-pickup.tmpfiles $(DESTDIR)$(TMPFILESDIR)/smime-pickup.conf
	install -m 0644 man/smime-pickup.8 $(DESTDIR)$(MANDIR)/man8/smime-pickup.8
	install -d -m 0750 $(DESTDIR)$(SYSCONFDIR)/smime-pickup
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/smime-pickup/smime-pickup.conf ]; then \
		echo "kept $(DESTDIR)$(SYSCONFDIR)/smime-pickup/smime-pickup.conf;" \
			"the reference is $(DESTDIR)$(LIBDIR)/smime-pickup.conf.default"; \
	else \
		install -m 0640 conf/smime-pickup.conf \
			$(DESTDIR)$(SYSCONFDIR)/smime-pickup/smime-pickup.conf; \
	fi
	install -m 0644 conf/smime-pickup.conf $(DESTDIR)$(LIBDIR)/smime-pickup.conf.default
	@echo "next: systemd-sysusers; systemd-tmpfiles --create; edit" \
		"$(SYSCONFDIR)/smime-pickup/smime-pickup.conf; smime-pickup check-config;" \
		"systemctl daemon-reload; systemctl enable --now smime-pickup"

uninstall:
	rm -rf $(DESTDIR)$(LIBDIR)
	rm -f $(DESTDIR)$(BINDIR)/smime-pickup $(DESTDIR)$(UNITDIR)/smime-pickup.service \
		$(DESTDIR)$(SYSUSERSDIR)/smime-pickup.conf $(DESTDIR)$(TMPFILESDIR)/smime-pickup.conf \
		$(DESTDIR)$(MANDIR)/man8/smime-pickup.8
	@echo "kept $(SYSCONFDIR)/smime-pickup (config, keys) and the spool"
