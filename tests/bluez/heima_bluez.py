'''BlueZ for Heima's tests: python-dbusmock's bluez5 template with the GATT
side it lacks, and health peripherals that replay byte-exact payloads.

On the private system bus of a test (DBUS_SYSTEM_BUS_ADDRESS), this is
org.bluez as the real app's btleplug adapter sees it: an ObjectManager with
adapters (Adapter1) and devices (Device1), and, once a device is connected,
its services (GattService1) and characteristics (GattCharacteristic1) with
ReadValue, WriteValue, StartNotify and StopNotify. What a characteristic
notifies or indicates arrives as BlueZ sends it: a PropertiesChanged signal
of its Value.

The test adds a peripheral with AddHealthDevice(adapter, json), the JSON
made from the core's simulated devices (the same bytes the core's simulator
sends):

  {"address": "C0:FF:EE:00:00:01", "name": "Cuff", "rssi": -52,
   "paired": false, "advertised": ["1810"],
   "characteristics": [{"uuid": "2a35", "service": "1810",
                        "flags": ["indicate"]}, ...],
   "reads": {"2a19": "5a"},
   "live": [{"characteristic": "2a35", "bytes": "04..."}],
   "stored": [{"sequence": 1, "characteristic": "2a18", "bytes": "..."}],
   "disconnect_after": 3}

Live values go out once their characteristic's notifications are started;
a Record Access Control Point (2a52) write "report stored records" (all, or
sequence >= n) sends the chosen records, then the RACP response.
`disconnect_after` drops the link after that many values, once (the next
connection completes). Calls are logged to the mock's log file.

What a real radio does and this cannot: advertising timing and lost
packets, connection parameters and MTU, encryption and bonding keys (Pair
only flips Paired), and the order in which a real BlueZ resolves services.
'''

import json

import dbus
from gi.repository import GLib

from dbusmock import OBJECT_MANAGER_IFACE, mockobject
from dbusmock.templates import bluez5
# The bluez5 template's names and its org.bluez.Mock methods (AddAdapter,
# RemoveAdapter, ...), which dbusmock finds in this module's namespace.
from dbusmock.templates.bluez5 import (  # noqa: F401
    BLUEZ_MOCK_IFACE,
    BUS_NAME,
    DEVICE_IFACE,
    IS_OBJECT_MANAGER,
    MAIN_OBJ,
    SYSTEM_BUS,
    AddAdapter,
    AddDevice,
    RemoveAdapter,
    RemoveAdapterWithDevices,
)

GATT_SERVICE_IFACE = 'org.bluez.GattService1'
GATT_CHARACTERISTIC_IFACE = 'org.bluez.GattCharacteristic1'
RACP = '2a52'
# Spacing of values a peripheral sends, as a slow device would.
SEND_EVERY_MS = 40


def full_uuid(uuid):
    '''A SIG 16-bit UUID ("2a35") on the Bluetooth base; a 128-bit one as it is.'''
    if len(uuid) > 8:
        return uuid.lower()
    return f'0000{uuid.lower()}-0000-1000-8000-00805f9b34fb'


def byte_array(data):
    return dbus.Array([dbus.Byte(b) for b in data], signature='y')


def load(mock, parameters):
    bluez5.load(mock, parameters)
    mock.health = {}


def emit_added(path, interfaces):
    mockobject.objects['/'].EmitSignal(OBJECT_MANAGER_IFACE, 'InterfacesAdded', 'oa{sa{sv}}', [
        dbus.ObjectPath(path), interfaces])


def emit_removed(path, interfaces):
    mockobject.objects['/'].EmitSignal(OBJECT_MANAGER_IFACE, 'InterfacesRemoved', 'oas', [
        dbus.ObjectPath(path), dbus.Array(interfaces, signature='s')])


class Peripheral:
    '''One health device's behaviour, kept across connections.'''

    def __init__(self, path, spec):
        self.path = path
        self.spec = spec
        self.connected = False
        self.gatt = []  # object paths of services and characteristics
        self.by_uuid = {}  # characteristic uuid -> object path
        self.notifying = set()
        self.live = list(spec.get('live', []))
        self.disconnect_after = spec.get('disconnect_after')
        self.sent = 0
        self.queue = []
        self.timer = None

    def device(self):
        return mockobject.objects[self.path]

    def connect(self):
        if self.connected:
            return
        self.connected = True
        self.sent = 0
        services = {}
        for char in self.spec['characteristics']:
            services.setdefault(char['service'], []).append(char)
        for s_index, (service, chars) in enumerate(sorted(services.items())):
            s_path = f'{self.path}/service{s_index:04x}'
            s_props = {
                'UUID': dbus.String(full_uuid(service), variant_level=1),
                'Primary': dbus.Boolean(True, variant_level=1),
                'Device': dbus.ObjectPath(self.path, variant_level=1),
                'Includes': dbus.Array([], signature='o', variant_level=1),
            }
            # GattService1 has no methods in BlueZ; dbusmock lists an
            # interface without any after the child nodes, which BlueZ never
            # does and bluez-async's parser refuses. One unused method keeps
            # the XML in BlueZ's order.
            self.device().AddObject(s_path, GATT_SERVICE_IFACE, s_props, [('HeimaMockUnused', '', '', '')])
            emit_added(s_path, {GATT_SERVICE_IFACE: s_props})
            self.gatt.append((s_path, GATT_SERVICE_IFACE))
            for c_index, char in enumerate(chars):
                c_path = f'{s_path}/char{c_index:04x}'
                c_props = {
                    'UUID': dbus.String(full_uuid(char['uuid']), variant_level=1),
                    'Service': dbus.ObjectPath(s_path, variant_level=1),
                    'Value': dbus.Array([], signature='y', variant_level=1),
                    'Notifying': dbus.Boolean(False, variant_level=1),
                    'Flags': dbus.Array(char['flags'], signature='s', variant_level=1),
                }
                self.device().AddObject(c_path, GATT_CHARACTERISTIC_IFACE, c_props, [
                    ('ReadValue', 'a{sv}', 'ay', ReadValue),
                    ('WriteValue', 'aya{sv}', '', WriteValue),
                    ('StartNotify', '', '', StartNotify),
                    ('StopNotify', '', '', StopNotify),
                ])
                obj = mockobject.objects[c_path]
                obj.peripheral = self
                obj.uuid = char['uuid'].lower()
                emit_added(c_path, {GATT_CHARACTERISTIC_IFACE: c_props})
                self.gatt.append((c_path, GATT_CHARACTERISTIC_IFACE))
                self.by_uuid[obj.uuid] = c_path
        self.device().UpdateProperties(DEVICE_IFACE, {
            'Connected': dbus.Boolean(True, variant_level=1),
            'ServicesResolved': dbus.Boolean(True, variant_level=1),
        })

    def disconnect(self):
        if not self.connected:
            return
        self.connected = False
        self.notifying.clear()
        self.queue = []
        if self.timer is not None:
            GLib.source_remove(self.timer)
            self.timer = None
        self.device().UpdateProperties(DEVICE_IFACE, {
            'ServicesResolved': dbus.Boolean(False, variant_level=1),
            'Connected': dbus.Boolean(False, variant_level=1),
        })
        for path, iface in reversed(self.gatt):
            self.device().RemoveObject(path)
            emit_removed(path, [iface])
        self.gatt = []
        self.by_uuid = {}

    def start_notify(self, uuid):
        self.notifying.add(uuid)
        ready = [v for v in self.live if v['characteristic'].lower() in self.notifying]
        self.live = [v for v in self.live if v['characteristic'].lower() not in self.notifying]
        for value in ready:
            self.send(value['characteristic'].lower(), bytes.fromhex(value['bytes']))

    def send(self, uuid, data):
        self.queue.append((uuid, data))
        if self.timer is None:
            self.timer = GLib.timeout_add(SEND_EVERY_MS, self.pump)

    def pump(self):
        if not self.connected or not self.queue:
            self.timer = None
            return False
        if self.disconnect_after is not None and self.sent >= self.disconnect_after:
            # Dropped in the middle, once: the next connection completes.
            self.disconnect_after = None
            self.timer = None
            self.disconnect()
            return False
        uuid, data = self.queue.pop(0)
        path = self.by_uuid.get(uuid)
        if path is not None and uuid in self.notifying:
            mockobject.objects[path].UpdateProperties(GATT_CHARACTERISTIC_IFACE, {
                'Value': dbus.Array([dbus.Byte(b) for b in data], signature='y', variant_level=1),
            })
            self.sent += 1
        return True

    def racp(self, request):
        '''Report stored records (op 0x01): all (0x01), or sequence >= n
        (0x03, filter 0x01); anything else is not supported.'''
        stored = self.spec.get('stored', [])
        if len(request) >= 2 and request[0] == 0x01 and request[1] == 0x01:
            chosen = stored
        elif len(request) >= 5 and request[0] == 0x01 and request[1] == 0x03 and request[2] == 0x01:
            bound = request[3] | request[4] << 8
            chosen = [r for r in stored if r['sequence'] >= bound]
        else:
            self.send(RACP, bytes([0x06, 0x00, request[0] if request else 0, 0x02]))
            return
        for record in chosen:
            self.send(record['characteristic'].lower(), bytes.fromhex(record['bytes']))
        self.send(RACP, bytes([0x06, 0x00, 0x01, 0x01 if chosen else 0x06]))


def peripheral_of(obj):
    return getattr(obj, 'peripheral', None)


def Connect(device):
    device.health_peripheral.connect()


def Disconnect(device):
    device.health_peripheral.disconnect()


def Pair(device):
    device.UpdateProperties(DEVICE_IFACE, {'Paired': dbus.Boolean(True, variant_level=1)})


def ReadValue(char, _options):
    p = peripheral_of(char)
    if p is None or not p.connected:
        raise dbus.exceptions.DBusException('Not connected', name='org.bluez.Error.NotConnected')
    value = p.spec.get('reads', {}).get(char.uuid)
    if value is None:
        raise dbus.exceptions.DBusException('Read not permitted', name='org.bluez.Error.NotPermitted')
    return byte_array(bytes.fromhex(value))


def WriteValue(char, value, _options):
    p = peripheral_of(char)
    if p is None or not p.connected:
        raise dbus.exceptions.DBusException('Not connected', name='org.bluez.Error.NotConnected')
    data = bytes(value)
    if char.uuid == RACP:
        if RACP not in p.notifying:
            raise dbus.exceptions.DBusException(
                'CCCD improperly configured', name='org.bluez.Error.Failed')
        p.racp(data)


def StartNotify(char):
    p = peripheral_of(char)
    if p is None or not p.connected:
        raise dbus.exceptions.DBusException('Not connected', name='org.bluez.Error.NotConnected')
    char.UpdateProperties(GATT_CHARACTERISTIC_IFACE, {'Notifying': dbus.Boolean(True, variant_level=1)})
    p.start_notify(char.uuid)


def StopNotify(char):
    p = peripheral_of(char)
    if p is not None:
        p.notifying.discard(char.uuid)
    char.UpdateProperties(GATT_CHARACTERISTIC_IFACE, {'Notifying': dbus.Boolean(False, variant_level=1)})


@dbus.service.method(BLUEZ_MOCK_IFACE, in_signature='ss', out_signature='s')
def AddHealthDevice(self, adapter_device_name, spec_json):
    '''Adds a health peripheral (see the module) under an adapter; returns
    its object path.'''
    spec = json.loads(spec_json)
    path = AddDevice(self, adapter_device_name, spec['address'], spec['name'])
    device = mockobject.objects[path]
    device.UpdateProperties(DEVICE_IFACE, {
        'UUIDs': dbus.Array([full_uuid(u) for u in spec.get('advertised', [])], signature='s', variant_level=1),
        'RSSI': dbus.Int16(spec.get('rssi', -60), variant_level=1),
        'Paired': dbus.Boolean(spec.get('paired', False), variant_level=1),
    })
    device.AddMethods(DEVICE_IFACE, [
        ('Connect', '', '', Connect),
        ('Disconnect', '', '', Disconnect),
        ('Pair', '', '', Pair),
    ])
    device.health_peripheral = Peripheral(path, spec)
    return path


@dbus.service.method(BLUEZ_MOCK_IFACE, in_signature='ss', out_signature='')
def AddStoredRecords(self, device_path, records_json):
    '''Adds stored records to a peripheral (a reading taken while away).'''
    p = mockobject.objects[device_path].health_peripheral
    p.spec.setdefault('stored', []).extend(json.loads(records_json))


@dbus.service.method(BLUEZ_MOCK_IFACE, in_signature='ss', out_signature='')
def AddLiveValues(self, device_path, values_json):
    '''Queues values a peripheral sends once notifications are on (a new
    reading on the device).'''
    p = mockobject.objects[device_path].health_peripheral
    p.live.extend(json.loads(values_json))


@dbus.service.method(BLUEZ_MOCK_IFACE, in_signature='sb', out_signature='')
def SetPowered(self, adapter_device_name, powered):
    '''Switches an adapter on or off (the tablet's Bluetooth setting).'''
    mockobject.objects['/org/bluez/' + adapter_device_name].UpdateProperties(
        'org.bluez.Adapter1', {'Powered': dbus.Boolean(powered, variant_level=1)})
