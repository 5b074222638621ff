#!/usr/bin/perl
# A stand-in for systemd-logind on a private bus, for tests: GetSession("auto") answers one
# session, and each line on stdin makes a session object signal: "lock PATH" sends Lock (what
# `loginctl lock-session` causes), "hint PATH" sends PropertiesChanged with LockedHint true
# (what GNOME and KDE set when their own screen lock comes on).
use strict;
use warnings;
use Net::DBus;
use Net::DBus::Reactor;
use Net::DBus::Callback;

package FakeManager;
use base qw(Net::DBus::Object);
use Net::DBus::Exporter qw(org.freedesktop.login1.Manager);
dbus_method('GetSession', ['string'], ['objectpath']);
sub new { my ($class, $service, $session) = @_; my $self = $class->SUPER::new($service, '/org/freedesktop/login1'); $self->{session} = $session; bless $self, $class; }
sub GetSession { my ($self, $id) = @_; die "no session $id\n" unless $id eq 'auto'; return $self->{session}; }

package FakeSession;
use base qw(Net::DBus::Object);
use Net::DBus::Exporter qw(org.freedesktop.login1.Session);
dbus_signal('Lock', []);
dbus_signal('PropertiesChanged', ['string', ['dict', 'string', ['variant']], ['array', 'string']], 'org.freedesktop.DBus.Properties');
sub new { my ($class, $service, $path) = @_; my $self = $class->SUPER::new($service, $path); bless $self, $class; }

package main;
my ($address, $session, @others) = @ARGV;
my $bus = Net::DBus->new($address);
my $service = $bus->export_service('org.freedesktop.login1');
FakeManager->new($service, $session);
my %sessions = map { $_ => FakeSession->new($service, $_) } ($session, @others);
$| = 1;
print "ready\n";
my $reactor = Net::DBus::Reactor->main();
$reactor->add_read(fileno(STDIN), Net::DBus::Callback->new(method => sub {
  my $line = <STDIN>;
  exit 0 unless defined $line;
  chomp $line;
  my ($verb, $path) = split / /, $line;
  return unless $sessions{$path};
  $sessions{$path}->emit_signal('Lock') if $verb eq 'lock';
  $sessions{$path}->emit_signal_in('PropertiesChanged', 'org.freedesktop.DBus.Properties', undef, 'org.freedesktop.login1.Session', { LockedHint => Net::DBus::dbus_boolean(1) }, []) if $verb eq 'hint';
  $sessions{$path}->emit_signal_in('PropertiesChanged', 'org.freedesktop.DBus.Properties', undef, 'org.freedesktop.login1.Session', { LockedHint => Net::DBus::dbus_boolean(0) }, []) if $verb eq 'unhint';
}));
$reactor->run();
